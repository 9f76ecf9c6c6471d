// deploy/deploy.sh against a fake yc (test/deploy/fake-yc.cjs) on PATH.
//
// The fake keeps its state in a temp directory, answers `get` with NotFound
// until something is created, checks flags against the yc CLI reference and
// logs every argv to calls.ndjson. One first deployment is made in beforeAll;
// the tests that re-run, update or destroy start from a copy of its state.
// Node starts slowly (~0.1 s per fake yc call), so independent runs go in
// parallel and cheap paths (--dry-run, validation) are used where they suffice.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'deploy/deploy.sh');
const FAKE_YC = path.join(ROOT, 'test/deploy/fake-yc.cjs');
const FAKE_IAM_TOKEN = 't1.fake-iam-token-must-never-be-printed';

const FOLDER = 'b1gtestfolder';
const OTHER_FOLDER = 'b1gotherfolder';
const BUCKET = 'audit-logs-test';
const DEFAULT_GROUP = 'e23defaultgroup';
const OTHER_DEFAULT_GROUP = 'e23otherdefault';
const FN_LOG_GROUP = 'e23fnlogs';
const POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n';
const INDEX_JS = 'exports.handler = async () => ({ statusCode: 200 });\n';

// What the fake cloud holds before the first deployment.
const SEED = {
  clusters: {
    // Logs to the folder's default log group by id: the function would log there too.
    catcluster1: cluster('catcluster1', FOLDER, { enabled: true, audit_enabled: true, log_group_id: DEFAULT_GROUP }),
    // Logs to the default group of another folder.
    catcluster2: cluster('catcluster2', FOLDER, { enabled: true, audit_enabled: true, folder_id: OTHER_FOLDER }),
    // Logging on, no destination: the default group of the cluster's own folder.
    catcluster3: cluster('catcluster3', FOLDER, { enabled: true, audit_enabled: true }),
    // Master logging on, audit off.
    catcluster4: cluster('catcluster4', FOLDER, { enabled: true, kube_apiserver_enabled: true }),
  },
  logGroups: {
    [DEFAULT_GROUP]: { id: DEFAULT_GROUP, folder_id: FOLDER, name: 'default' },
    [OTHER_DEFAULT_GROUP]: { id: OTHER_DEFAULT_GROUP, folder_id: OTHER_FOLDER, name: 'default' },
    [FN_LOG_GROUP]: { id: FN_LOG_GROUP, folder_id: FOLDER, name: 'forwarder-logs' },
  },
};

function cluster(id: string, folder: string, masterLogging: Record<string, unknown>) {
  return { id, folder_id: folder, name: `k8s-${id}`, status: 'RUNNING', master: { master_logging: masterLogging } };
}

// ---------------------------------------------------------------------------
// Sandbox: a temp dir with bin/{yc,curl} -> fake, a fake dist/, a policy and the fake's state.
interface Sandbox { dir: string; state: string; build: string; policy: string; config: string }
interface Call { program: string; argv: string[] }
interface RunResult { code: number | null; stdout: string; stderr: string; calls: Call[] }
type State = Record<string, any>;

const sandboxes: string[] = [];

function makeSandbox(from?: Sandbox): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
  sandboxes.push(dir);
  const sb: Sandbox = {
    dir, state: path.join(dir, 'state'), build: path.join(dir, 'build'),
    policy: path.join(dir, 'audit-policy.yaml'), config: path.join(dir, 'config.env'),
  };
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.chmodSync(FAKE_YC, 0o755);
  fs.symlinkSync(FAKE_YC, path.join(dir, 'bin/yc'));
  fs.symlinkSync(FAKE_YC, path.join(dir, 'bin/curl'));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.writeFileSync(path.join(dir, 'dist/index.js'), INDEX_JS);
  // Stands in for `node dist/cli.js check-policy FILE` (exit 0 "ok: N rules", exit 1 with the error).
  fs.writeFileSync(path.join(dir, 'dist/cli.js'), [
    "const text = require('fs').readFileSync(process.argv[3], 'utf8');",
    "if (process.argv[2] !== 'check-policy') process.exit(2);",
    "if (text.includes('INVALID')) { console.error('rules[0].level: Unsupported value: \"Everything\"'); process.exit(1); }",
    "console.log('ok: 1 rules');",
  ].join('\n'));
  fs.writeFileSync(sb.policy, POLICY);
  fs.writeFileSync(sb.config, '');
  if (from) {
    fs.cpSync(from.state, sb.state, { recursive: true });
    fs.rmSync(path.join(sb.state, 'calls.ndjson'), { force: true });
  } else {
    fs.mkdirSync(sb.state);
    fs.writeFileSync(path.join(sb.state, 'state.json'), JSON.stringify(SEED));
  }
  return sb;
}

function baseEnv(sb: Sandbox): Record<string, string> {
  // Built from scratch so that nothing from the developer's shell (FOLDER_ID, yc profile) leaks in.
  return {
    PATH: [path.join(sb.dir, 'bin'), path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: sb.dir,
    TMPDIR: os.tmpdir(),
    FAKE_YC_STATE: sb.state,
    CONFIG_FILE: sb.config,
    SKIP_BUILD: '1',
    DIST_DIR: path.join(sb.dir, 'dist'),
    BUILD_DIR: sb.build,
    POLICY_FILE: sb.policy,
    IAM_RETRY_DELAY: '0',
    FOLDER_ID: FOLDER,
    CLUSTER_ID: 'catcluster1',
    BUCKET_NAME: BUCKET,
  };
}

function run(sb: Sandbox, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const callsFile = path.join(sb.state, 'calls.ndjson');
  fs.rmSync(callsFile, { force: true });
  const fullEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...baseEnv(sb), ...env })) if (v !== undefined) fullEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { cwd: sb.dir, env: fullEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const calls = fs.existsSync(callsFile)
        ? fs.readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call)
        : [];
      resolve({ code, stdout, stderr, calls });
    });
  });
}

const readState = (sb: Sandbox): State => JSON.parse(fs.readFileSync(path.join(sb.state, 'state.json'), 'utf8'));

/** "serverless trigger create logging" for a yc call, "curl PATCH" for the REST call. */
function commandOf(call: Call): string {
  if (call.program === 'curl') return `curl ${call.argv[call.argv.indexOf('-X') + 1]}`;
  const words: string[] = [];
  for (const w of call.argv) { if (w.startsWith('--')) break; words.push(w); }
  return words.join(' ');
}
const isMutation = (call: Call) => !/ (get|list-access-bindings|list)$|^iam create-token$|^curl GET$/.test(commandOf(call));
const mutations = (r: RunResult) => r.calls.filter(isMutation).map(commandOf);
const callsOf = (r: RunResult, command: string) => r.calls.filter((c) => commandOf(c) === command);

/** Flag values of a call; repeated flags are joined into an array. */
function flagsOf(call: Call): Record<string, string | string[]> {
  const flags: Record<string, string | string[]> = {};
  for (let i = 0; i < call.argv.length; i += 1) {
    const a = call.argv[i]!;
    if (!a.startsWith('--')) continue;
    const name = a.slice(2);
    const next = call.argv[i + 1];
    const value = next === undefined || next.startsWith('--') ? 'true' : (i += 1, next);
    const prev = flags[name];
    flags[name] = prev === undefined ? value : ([] as string[]).concat(prev, value);
  }
  return flags;
}
const only = <T>(items: T[], what: string): T => {
  expect(items, what).toHaveLength(1);
  return items[0]!;
};

// ---------------------------------------------------------------------------
// The first deployment, shared: tests that need a deployed folder await it and
// copy its state; the others start at once, in parallel with it.
let firstDeploy: Promise<{ deployed: Sandbox; first: RunResult }> | undefined;
function deployOnce() {
  firstDeploy ??= (async () => {
    const deployed = makeSandbox();
    return { deployed, first: await run(deployed) };
  })();
  return firstDeploy;
}
async function copyOfDeployed(): Promise<Sandbox> {
  return makeSandbox((await deployOnce()).deployed);
}

afterAll(() => {
  for (const dir of sandboxes) fs.rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('deploy/deploy.sh', () => {
  // Start the shared first deployment now; tests that need it await it. The
  // tests that do not are declared first so that they run while it is going.
  void deployOnce();

  describe('static-keys mode', () => {
    // Also covers, on the way, the two other non-default settings a real run can take:
    // BUCKET_ROLE_SCOPE=folder and a log group of the function's own.
    it('creates one access key, hands it to Lockbox on stdin, passes it with --secret, and never prints it', async () => {
      // Prepare: a fresh folder, so that this long test does not wait for the shared deployment.
      const sb = makeSandbox();
      const env = { STATIC_KEYS: '1', FUNCTION_LOG_GROUP_ID: FN_LOG_GROUP, BUCKET_ROLE_SCOPE: 'folder' };
      // Act
      const r1 = await run(sb, [], env);
      const r2 = await run(sb, [], env);
      // Assess
      expect(r1.code, r1.stderr).toBe(0);
      expect(r2.code, r2.stderr).toBe(0);
      const state = readState(sb);
      const key = only(Object.values(state.accessKeys) as any[], 'access keys');
      const secret = only(Object.values(state.secrets) as any[], 'lockbox secrets');
      expect(secret.payload).toEqual([
        { key: 'access_key', text_value: key.key_id }, { key: 'secret_key', text_value: key.secret },
      ]);
      expect(secret.payload_on_command_line).toBe(false);
      expect(flagsOf(only(callsOf(r1, 'lockbox secret create'), 'secret create')).payload).toBe('-');
      expect(mutations(r2)).toEqual(['serverless function version create']);
      for (const r of [r1, r2]) {
        expect(r.stdout + r.stderr).not.toContain(key.secret);
        expect(JSON.stringify(r.calls)).not.toContain(key.secret);
        const version = flagsOf(only(callsOf(r, 'serverless function version create'), 'version create'));
        expect(version.secret).toEqual([
          `environment-variable=AWS_ACCESS_KEY_ID,id=${secret.id},key=access_key`,
          `environment-variable=AWS_SECRET_ACCESS_KEY,id=${secret.id},key=secret_key`,
        ]);
        expect(version['log-group-id']).toBe(FN_LOG_GROUP);
        expect(r.stderr).not.toContain('trigger loop risk');
      }
      const fnSa = (Object.values(state.serviceAccounts) as any[]).find((s) => s.name === 'k8s-audit-forwarder-fn').id;
      const subject = { id: fnSa, type: 'serviceAccount' };
      expect(state.bindings).toContainEqual({ resource: `lockbox-secret:${secret.id}`, role: 'lockbox.payloadViewer', subject });
      expect(state.bindings).toContainEqual({ resource: `folder:${FOLDER}`, role: 'storage.uploader', subject });
      expect(state.bindings.filter((b: any) => b.resource.startsWith('bucket:'))).toEqual([]);
      expect(r1.stderr).toContain('WARNING: BUCKET_ROLE_SCOPE=folder');
    });
  });

  describe('refusing to start', () => {
    it.each(['FOLDER_ID', 'CLUSTER_ID', 'BUCKET_NAME'])('fails naming %s when it is missing', async (name) => {
      const sb = makeSandbox();
      const r = await run(sb, [], { [name]: undefined });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`missing required setting ${name}`);
      expect(r.calls).toEqual([]);
    });

    it.each([
      { name: 'BATCH_SIZE', value: '5000', message: 'BATCH_SIZE must be an integer from 1 to 1000' },
      { name: 'BATCH_CUTOFF', value: '2m', message: "BATCH_CUTOFF must be from 1s to 60s, got '2m'" },
      { name: 'RETRY_INTERVAL', value: '5s', message: "RETRY_INTERVAL must be from 10s to 60s, got '5s'" },
      { name: 'BUCKET_ROLE_SCOPE', value: 'cloud', message: "BUCKET_ROLE_SCOPE must be 'bucket' or 'folder'" },
    ])('fails naming $name when it is out of range', async ({ name, value, message }) => {
      const sb = makeSandbox();
      const r = await run(sb, [], { [name]: value });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(r.calls).toEqual([]);
    });

    it.each([
      { args: ['--purge'], message: '--purge only makes sense with --destroy' },
      { args: ['--bogus'], message: 'unknown option: --bogus' },
      { args: ['--config', '/nonexistent/config.env'], message: 'config file /nonexistent/config.env not found' },
    ])('refuses $args', async ({ args, message }) => {
      const r = await run(makeSandbox(), args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(r.calls).toEqual([]);
    });

    it('stops on an invalid policy before anything is created', async () => {
      const sb = makeSandbox();
      fs.writeFileSync(sb.policy, 'INVALID policy\n');
      const r = await run(sb);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('rules[0].level: Unsupported value');
      expect(r.stderr).toContain('is invalid; nothing was deployed');
      expect(r.calls).toEqual([]);
    });

    it('stops on a lookup error other than NotFound instead of creating a duplicate', async () => {
      const sb = makeSandbox();
      const fail = JSON.stringify([{ match: 'iam service-account get', code: 'PermissionDenied' }]);
      const r = await run(sb, [], { FAKE_YC_FAIL: fail });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('code = PermissionDenied');
      expect(mutations(r)).toEqual([]);
    });
  });

  describe('--dry-run', () => {
    it('runs no yc command, changes nothing, and prints a runnable plan', async () => {
      // Prepare
      const sb = makeSandbox();
      const before = fs.readFileSync(path.join(sb.state, 'state.json'), 'utf8');
      // Act
      const r = await run(sb, ['--dry-run']);
      // Assess
      expect(r.code, r.stderr).toBe(0);
      expect(r.calls).toEqual([]);
      expect(fs.readFileSync(path.join(sb.state, 'state.json'), 'utf8')).toBe(before);
      expect(fs.existsSync(sb.build)).toBe(false);
      expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
      const lines = r.stdout.split('\n');
      for (const prefix of [
        `node ${sb.dir}/dist/cli.js check-policy ${sb.policy}`,
        'FUNCTION_SA_ID=$(yc iam service-account create --name k8s-audit-forwarder-fn',
        'TRIGGER_SA_ID=$(yc iam service-account create --name k8s-audit-forwarder-trigger',
        `yc storage bucket create --name ${BUCKET} --default-storage-class cold`,
        "curl -sS --fail-with-body -X PATCH -H @<(printf 'Authorization: Bearer %s\\n' \"$IAM_TOKEN\")",
        'FUNCTION_ID=$(yc serverless function create --name k8s-audit-forwarder',
        'yc serverless function add-access-binding --id "${FUNCTION_ID}" --role functions.functionInvoker --service-account-id "${TRIGGER_SA_ID}"',
        'yc logging group add-access-binding --id "${LOG_GROUP_ID}" --role logging.reader',
        'VERSION_ID=$(yc serverless function version create --function-id "${FUNCTION_ID}" --runtime nodejs22 --entrypoint index.handler',
        'TRIGGER_ID=$(yc serverless trigger create logging --name k8s-audit-forwarder',
      ]) {
        expect(lines.some((l) => l.startsWith(prefix)), prefix).toBe(true);
      }
    });

    it('prints the optional parts: static keys, dead-letter queue, folder-wide bucket role, no function logging', async () => {
      const sb = makeSandbox();
      const r = await run(sb, ['--dry-run'], {
        STATIC_KEYS: '1', DLQ_QUEUE_ID: 'yrn:yc:ymq:ru-central1:b1gqueues:audit-dlq', BUCKET_ROLE_SCOPE: 'folder', FUNCTION_LOG_GROUP_ID: 'none',
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.calls).toEqual([]);
      expect(r.stdout).toContain('| yc lockbox secret create --name k8s-audit-forwarder-s3-key');
      expect(r.stdout).toContain('--payload -');
      expect(r.stdout).toContain('--secret "environment-variable=AWS_ACCESS_KEY_ID,id=${LOCKBOX_SECRET_ID},key=access_key"');
      expect(r.stdout).toContain('--role lockbox.payloadViewer --service-account-id "${FUNCTION_SA_ID}"');
      expect(r.stdout).toContain(`yc resource-manager folder add-access-binding --id ${FOLDER} --role storage.uploader --service-account-id "\${FUNCTION_SA_ID}"`);
      expect(r.stdout).toContain('yc resource-manager folder add-access-binding --id b1gqueues --role ymq.writer');
      expect(r.stdout).toContain('--dlq-queue-id yrn:yc:ymq:ru-central1:b1gqueues:audit-dlq --dlq-service-account-id "${TRIGGER_SA_ID}"');
      expect(r.stdout).toContain('--no-logging');
      expect(r.stdout).not.toContain('curl');
      expect(r.stderr).toContain('WARNING: BUCKET_ROLE_SCOPE=folder');
      expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    });

    it('prints the --destroy plan without running it', async () => {
      const sb = makeSandbox();
      const r = await run(sb, ['--destroy', '--purge', '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.calls).toEqual([]);
      for (const line of [
        'yc serverless trigger delete --id "${TRIGGER_ID}"',
        'yc serverless function delete --id "${FUNCTION_ID}"',
        'yc iam service-account delete --id "${FUNCTION_SA_ID}"',
        `yc storage bucket delete --name ${BUCKET}`,
      ]) expect(r.stdout).toContain(line);
      expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    });

    it('reads deploy settings from the config file, with the environment taking precedence', async () => {
      const sb = makeSandbox();
      fs.writeFileSync(sb.config, 'BUCKET_NAME=bucket-from-file\nBATCH_SIZE=10\nTRIGGER_NAME=trigger-from-file\n');
      const r = await run(sb, ['--dry-run'], { BUCKET_NAME: undefined, BATCH_SIZE: '20' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('yc storage bucket create --name bucket-from-file');
      expect(r.stdout).toContain('--name trigger-from-file');
      expect(r.stdout).toContain('--batch-size 20');
    });
  });

  describe('log group of the cluster', () => {
    // Stop each run right after the log group is resolved (an injected error on the next lookup).
    const stopAfterLogGroup = JSON.stringify([{ match: 'iam service-account get', code: 'Unavailable' }]);

    it.each([
      { name: 'the default group of the folder named in master_logging', cluster: 'catcluster2', group: OTHER_DEFAULT_GROUP, loop: false },
      { name: "the default group of the cluster's folder when none is named", cluster: 'catcluster3', group: DEFAULT_GROUP, loop: true },
    ])('uses $name', async ({ cluster: clusterId, group, loop }) => {
      const sb = makeSandbox();
      const r = await run(sb, [], { CLUSTER_ID: clusterId, FAKE_YC_FAIL: stopAfterLogGroup });
      expect(r.stderr).toContain(`found: log group of cluster ${clusterId} (${group})`);
      expect(r.stderr.includes('trigger loop risk')).toBe(loop);
      expect(mutations(r)).toEqual([]);
    });

    it.each([
      { name: 'audit logging is off', cluster: 'catcluster4', message: 'audit-enabled=false' },
      { name: 'the cluster does not exist', cluster: 'nosuchcluster', message: 'cluster nosuchcluster not found (CLUSTER_ID)' },
    ])('stops when $name', async ({ cluster: clusterId, message }) => {
      const sb = makeSandbox();
      const r = await run(sb, [], { CLUSTER_ID: clusterId });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(mutations(r)).toEqual([]);
    });
  });

  describe('--destroy', () => {
    it('removes the trigger, function, roles and service accounts, and the bucket only with --purge', async () => {
      // Prepare
      const sb = await copyOfDeployed();
      // Act
      const destroy = await run(sb, ['--destroy']);
      const stateAfterDestroy = readState(sb);
      const purge = await run(sb, ['--destroy', '--purge']);
      // Assess
      expect(destroy.code, destroy.stderr).toBe(0);
      expect(mutations(destroy)).toEqual([
        'serverless trigger delete', 'logging group remove-access-binding', 'serverless function delete',
        'curl PATCH', 'iam service-account delete', 'iam service-account delete',
      ]);
      expect(stateAfterDestroy).toMatchObject({ triggers: {}, functions: {}, versions: {}, serviceAccounts: {}, bindings: [] });
      expect(Object.keys(stateAfterDestroy.buckets)).toEqual([BUCKET]);

      expect(purge.code, purge.stderr).toBe(0);
      expect(mutations(purge)).toEqual(['storage bucket delete']);
      expect(purge.stdout).toMatch(/absent\s+trigger/);
      expect(readState(sb).buckets).toEqual({});
    });
  });

  describe('re-running', () => {
    it('creates nothing new and publishes exactly one new version', async () => {
      // Prepare
      const sb = await copyOfDeployed();
      const before = readState(sb);
      // Act
      const r = await run(sb);
      // Assess
      expect(r.code, r.stderr).toBe(0);
      expect(mutations(r)).toEqual(['serverless function version create']);
      const after = readState(sb);
      const versions = Object.values(after.versions) as any[];
      expect(versions).toHaveLength(2);
      expect(versions.filter((v) => v.tags.includes('$latest')).map((v) => v.id)).toEqual([versions[1].id]);
      expect(after.triggers).toEqual(before.triggers);
      expect(after.bindings).toEqual(before.bindings);
      expect(r.stdout).toMatch(/reused\s+trigger\s+k8s-audit-forwarder/);
      expect(r.stdout).toMatch(/published\s+function version/);
    });

    it('updates the trigger in place when a setting changes, retrying while IAM catches up', async () => {
      // Prepare
      const sb = await copyOfDeployed();
      const triggerId = Object.keys(readState(sb).triggers)[0];
      const fail = JSON.stringify([{ match: 'serverless trigger update logging', code: 'PermissionDenied', times: 1 }]);
      // Act
      const r = await run(sb, [], { BATCH_SIZE: '50', FAKE_YC_FAIL: fail });
      // Assess
      expect(r.code, r.stderr).toBe(0);
      expect(mutations(r)).toEqual([
        'serverless function version create', 'serverless trigger update logging', 'serverless trigger update logging',
      ]);
      expect(r.stderr).toContain('settings differ: batch_size: 100 -> 50');
      expect(r.stderr).toContain('PermissionDenied, probably IAM propagation delay; retrying');
      expect(flagsOf(callsOf(r, 'serverless trigger update logging')[1]!)).toMatchObject({ id: triggerId, 'new-batch-size': '50' });
      const trigger = readState(sb).triggers[triggerId!];
      expect(trigger.rule.logging.batch_settings.size).toBe('50');
    });

    it('recreates the trigger when retries are turned off, which yc update cannot express', async () => {
      // Prepare
      const sb = await copyOfDeployed();
      // Act
      const r = await run(sb, [], { RETRY_ATTEMPTS: '0' });
      // Assess
      expect(r.code, r.stderr).toBe(0);
      expect(mutations(r)).toEqual([
        'serverless function version create', 'serverless trigger delete', 'serverless trigger create logging',
      ]);
      expect(flagsOf(callsOf(r, 'serverless trigger create logging')[0]!)['retry-attempts']).toBeUndefined();
      expect(r.stderr).toContain('is recreated to drop its retry or dead-letter settings');
      expect(Object.values(readState(sb).triggers)).toHaveLength(1);
    });

    // The same decision for every case, checked on the function itself.
    it.each([
      { name: 'retries are turned off', want: { retry_attempts: 0, dlq_queue_id: '' }, have: { retry_attempts: 3, dlq_queue_id: '' }, recreate: true },
      { name: 'the dead-letter queue is dropped', want: { retry_attempts: 3, dlq_queue_id: '' }, have: { retry_attempts: 3, dlq_queue_id: 'q' }, recreate: true },
      { name: 'a batch setting changes', want: { retry_attempts: 3, dlq_queue_id: '' }, have: { retry_attempts: 2, dlq_queue_id: '' }, recreate: false },
      { name: 'a dead-letter queue is added', want: { retry_attempts: 3, dlq_queue_id: 'q' }, have: { retry_attempts: 3, dlq_queue_id: '' }, recreate: false },
    ])('recreates the trigger instead of updating it only when $name would need it', ({ want, have, recreate }) => {
      const r = spawnSync('bash', ['-c', 'source deploy/lib/trigger.sh && update_cannot_express "$1" "$2"', 'test', JSON.stringify(want), JSON.stringify(have)], { cwd: ROOT });
      expect(r.status === 0).toBe(recreate);
    });
  });

  describe('first run', () => {
    it('creates every resource once, in order, with the documented flags', async () => {
      const { deployed, first } = await deployOnce();
      // Assess
      expect(first.code, first.stderr).toBe(0);
      expect(mutations(first)).toEqual([
        'iam service-account create',
        'iam service-account create',
        'storage bucket create',
        'curl PATCH',
        'serverless function create',
        'serverless function add-access-binding',
        'logging group add-access-binding',
        'serverless function version create',
        'serverless trigger create logging',
      ]);
      const state = readState(deployed);
      const [fnSa, triggerSa] = ['k8s-audit-forwarder-fn', 'k8s-audit-forwarder-trigger']
        .map((name) => Object.values(state.serviceAccounts).find((s: any) => s.name === name) as any);
      expect(fnSa).toBeDefined();
      expect(triggerSa).toBeDefined();
      const fn = only(Object.values(state.functions) as any[], 'functions');

      expect(flagsOf(only(callsOf(first, 'storage bucket create'), 'bucket create'))).toMatchObject({
        name: BUCKET, 'default-storage-class': 'cold', 'folder-id': FOLDER,
      });
      const version = flagsOf(only(callsOf(first, 'serverless function version create'), 'version create'));
      expect(version).toMatchObject({
        'function-id': fn.id, runtime: 'nodejs22', entrypoint: 'index.handler', memory: '256MB',
        'execution-timeout': '60s', 'service-account-id': fnSa.id, 'source-path': deployed.build,
      });
      expect(version.environment).toEqual([`BUCKET_NAME=${BUCKET}`, 'CLUSTER_ID=catcluster1', 'AUDIT_POLICY_FILE=audit-policy.yaml']);
      expect(version.secret).toBeUndefined();
      expect(flagsOf(only(callsOf(first, 'serverless trigger create logging'), 'trigger create'))).toMatchObject({
        name: 'k8s-audit-forwarder', 'log-group-id': DEFAULT_GROUP,
        'resource-types': 'k8s.cluster', 'resource-ids': 'catcluster1', 'stream-names': 'audit',
        'batch-size': '100', 'batch-cutoff': '30s', 'retry-attempts': '3', 'retry-interval': '30s',
        'invoke-function-id': fn.id, 'invoke-function-tag': '$latest', 'invoke-function-service-account-id': triggerSa.id,
      });
      for (const call of first.calls.filter((c) => c.program === 'yc' && commandOf(c) !== 'iam create-token')) {
        expect(flagsOf(call)['folder-id'], commandOf(call)).toBe(FOLDER);
      }
    });

    it('grants each role on its one resource, none folder-wide', async () => {
      const { deployed } = await deployOnce();
      const state = readState(deployed);
      const sa = (name: string) => (Object.values(state.serviceAccounts) as any[]).find((s) => s.name === name).id;
      const fn = only(Object.values(state.functions) as any[], 'functions');
      expect(state.bindings).toEqual([
        { resource: `bucket:${BUCKET}`, role: 'storage.uploader', subject: { id: sa('k8s-audit-forwarder-fn'), type: 'serviceAccount' } },
        { resource: `function:${fn.id}`, role: 'functions.functionInvoker', subject: { id: sa('k8s-audit-forwarder-trigger'), type: 'serviceAccount' } },
        { resource: `log-group:${DEFAULT_GROUP}`, role: 'logging.reader', subject: { id: sa('k8s-audit-forwarder-trigger'), type: 'serviceAccount' } },
      ]);
    });

    it('uploads a package of the bundle and the policy, and a cold bucket', async () => {
      const { deployed } = await deployOnce();
      const state = readState(deployed);
      const version = only(Object.values(state.versions) as any[], 'versions');
      expect(state.packages[version.id]).toEqual({ 'audit-policy.yaml': POLICY, 'index.js': INDEX_JS });
      expect(state.buckets[BUCKET].default_storage_class).toBe('COLD');
      expect(version.environment.AUDIT_POLICY_FILE).toBe('audit-policy.yaml');
    });

    it('reports what was created and ends with the ids and the bucket path', async () => {
      const { deployed, first } = await deployOnce();
      const state = readState(deployed);
      const trigger = only(Object.values(state.triggers) as any[], 'triggers');
      const fn = only(Object.values(state.functions) as any[], 'functions');
      expect(first.stdout).toMatch(/created\s+service account\s+k8s-audit-forwarder-fn/);
      expect(first.stdout).toMatch(/created\s+trigger\s+k8s-audit-forwarder/);
      expect(first.stdout).toContain(`FUNCTION_ID=${fn.id}`);
      expect(first.stdout).toContain(`TRIGGER_ID=${trigger.id}`);
      expect(first.stdout).toContain(`s3://${BUCKET}/AUDIT/catcluster1/`);
    });

    it('warns when the function would log into the log group the trigger watches', async () => {
      const { first } = await deployOnce();
      expect(first.stderr).toContain(`WARNING: trigger loop risk: the function's own logs would land in log group ${DEFAULT_GROUP}`);
      expect(first.stdout).toContain('FUNCTION_LOG_GROUP_ID');
    });

    it('never prints the IAM token nor puts it on a command line', async () => {
      const { first } = await deployOnce();
      expect(first.stdout + first.stderr).not.toContain(FAKE_IAM_TOKEN);
      expect(JSON.stringify(first.calls)).not.toContain(FAKE_IAM_TOKEN);
    });
  });
});
