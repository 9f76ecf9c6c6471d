// Runs only the S3 server smoke test:
//   npx vitest run -c test/support/vitest.s3-smoke.config.mts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    globalSetup: ['test/support/s3-server.ts'],
    include: ['test/support/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
