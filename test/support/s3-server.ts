// vitest globalSetup: a real S3 server (scripts/s3-server.sh, radosgw) for the whole run.
// Tests reach it through S3_TEST_* in process.env (see ./s3.ts). With S3_TEST_ENDPOINT
// already set, that server is used and nothing is started.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(repoRoot, 'scripts/s3-server.sh');
const tmpDir = path.join(repoRoot, '.tmp');
const run = promisify(execFile);

let serverDir: string | undefined;

// teardown does not run when the run dies early; the daemons would outlive it.
function stopOnExit(): void {
  if (serverDir) spawnSync(script, ['stop', serverDir], { stdio: 'inherit' });
}

export async function setup(): Promise<void> {
  if (process.env.S3_TEST_ENDPOINT) return;

  await stopOrphans();
  // Unique per run, so parallel runs in one checkout get separate servers.
  serverDir = path.join(tmpDir, `s3-server-${process.pid}-${randomUUID().slice(0, 8)}`);
  process.once('exit', stopOnExit);
  try {
    await run(script, ['start', serverDir], { timeout: 180_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${script} start failed:\n${stderr || String(error)}`);
  }

  const env = parseEnvFile(await readFile(path.join(serverDir, 'env'), 'utf8'));
  process.env.S3_TEST_ENDPOINT = env.S3_ENDPOINT;
  process.env.S3_TEST_ACCESS_KEY_ID = env.S3_ACCESS_KEY_ID;
  process.env.S3_TEST_SECRET_ACCESS_KEY = env.S3_SECRET_ACCESS_KEY;
  process.env.S3_TEST_REGION = env.S3_REGION;
}

export async function teardown(): Promise<void> {
  if (!serverDir) return;
  const dir = serverDir;
  serverDir = undefined;
  process.off('exit', stopOnExit);
  await run(script, ['stop', dir], { timeout: 60_000 });
}

// A run killed outright (SIGKILL, OOM) leaves its daemons behind: stop those whose vitest is gone.
async function stopOrphans(): Promise<void> {
  const names = await readdir(tmpDir).catch(() => []);
  for (const name of names) {
    const pid = /^s3-server-(\d+)-/.exec(name)?.[1];
    if (pid && !processExists(Number(pid))) await run(script, ['stop', path.join(tmpDir, name)]);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}
