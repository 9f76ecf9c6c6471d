// Builds the three artefacts with esbuild (CommonJS, node20 target, runs on the nodejs22 runtime too):
//   dist/index.js  the Cloud Function: one self-contained file, minified, bundled policy inlined (index.handler)
//   dist/cli.js    the `k8s-audit` CLI; the AWS SDK stays external and is loaded only for s3:// output
//   dist/lib/      the library (package.json main/types): index.js plus .d.ts from tsc
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `import text from './x.yaml?raw'` — the same syntax Vite (and so vitest) understands natively. */
const rawImports = {
  name: 'raw-imports',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  plugins: [rawImports],
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ['src/handler.ts'], outfile: 'dist/index.js', minify: true }),
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['@aws-sdk/*'],
  }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/lib/index.js', packages: 'external' }),
]);
chmodSync(join(root, 'dist/cli.js'), 0o755);
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root });
