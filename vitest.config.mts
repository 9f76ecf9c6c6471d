import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    // A real S3 server (radosgw) for the integration tests, started and stopped by PID.
    globalSetup: ['test/support/s3-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Row names of table tests must stay whole in reports (vitest cuts them at 40 characters by default).
    chaiConfig: { truncateThreshold: 1000 },
  },
});
