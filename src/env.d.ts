// Build-time inputs: `?raw` imports (esbuild plugin in scripts/build.mjs; native in Vite/vitest) and the version.
declare module '*?raw' {
  const text: string;
  export default text;
}
declare const __VERSION__: string;
