#!/usr/bin/env node
// A fake `yc` for the deploy tests, and a fake `curl` for the Object Storage REST
// API (symlink this file as `yc` and as `curl` on PATH; the name it is called by
// picks the program).
//
// * State lives in $FAKE_YC_STATE/state.json; tests seed clusters and log groups.
// * Every invocation is appended to $FAKE_YC_STATE/calls.ndjson as
//   {"program": "yc", "argv": [...]} (stdin is never logged).
// * `get` of something absent fails like yc: "ERROR: rpc error: code = NotFound
//   desc = ..." on stderr, exit code 1.
// * Output is JSON shaped like yc's --format json (snake_case, int64 as strings).
// * Flags are checked against the lists in the yc CLI reference: an unknown flag
//   fails, so a typo in deploy.sh fails the tests instead of passing silently.
// * It is stricter than yc is known to be, so that the script must look before
//   it acts: creating a name that exists, adding a binding that exists and
//   removing one that does not all fail; creating a trigger fails unless its
//   service account already holds its two roles; a version's --source-path
//   must be a directory, whose files are recorded as the uploaded package.
// * $FAKE_YC_FAIL (JSON: [{"match": "serverless trigger create", "code":
//   "PermissionDenied", "times": 1}]) injects errors.
// * `yc iam create-token` prints FAKE_IAM_TOKEN (repeated in deploy.test.ts,
//   which checks that it never leaks); the fake curl accepts only that token.
const fs = require('node:fs');
const path = require('node:path');

const FAKE_IAM_TOKEN = 't1.fake-iam-token-must-never-be-printed';

const stateDir = process.env.FAKE_YC_STATE;
if (!stateDir) {
  process.stderr.write('fake-yc: FAKE_YC_STATE is not set\n');
  process.exit(2);
}
const stateFile = path.join(stateDir, 'state.json');
const program = path.basename(process.argv[1] ?? 'yc') === 'curl' ? 'curl' : 'yc';
const argv = process.argv.slice(2);
fs.appendFileSync(path.join(stateDir, 'calls.ndjson'), `${JSON.stringify({ program, argv })}\n`);

const EMPTY_STATE = {
  seq: 0, clusters: {}, logGroups: {}, serviceAccounts: {}, accessKeys: {}, buckets: {}, functions: {},
  versions: {}, triggers: {}, secrets: {}, bindings: [], failures: {},
};
const state = { ...EMPTY_STATE, ...(fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {}) };
const save = () => fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);

class YcError extends Error {
  constructor(code, desc) { super(desc); this.code = code; }
}
const notFound = (desc) => new YcError('NotFound', desc);
const invalid = (desc) => new YcError('InvalidArgument', desc);

const nextId = (prefix) => {
  state.seq += 1;
  return `${prefix}${String(state.seq).padStart(17, '0')}`;
};
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, state.seq)).toISOString();

// ---------------------------------------------------------------------------
// Argument parsing
const GLOBAL_FLAGS = { 'folder-id': 's', 'folder-name': 's', format: 's', profile: 's', 'cloud-id': 's', 'no-user-output': 'b' };
const REPEATABLE = new Set(['environment', 'secret']);

function parse(words, spec) {
  const flags = {};
  const positional = [];
  const all = { ...GLOBAL_FLAGS, ...spec };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    if (!word.startsWith('--')) { positional.push(word); continue; }
    let [name, value] = word.slice(2).split(/=(.*)/s);
    const kind = all[name];
    if (!kind) throw new YcError('Usage', `unknown flag: --${name}`);
    if (kind === 'b') { flags[name] = value ?? 'true'; continue; }
    if (value === undefined) {
      if (i + 1 >= words.length) throw new YcError('Usage', `flag needs an argument: --${name}`);
      value = words[++i];
    }
    if (REPEATABLE.has(name)) (flags[name] ??= []).push(value); else flags[name] = value;
  }
  return { flags, positional };
}

const BINDING_FLAGS = { id: 's', name: 's', role: 's', 'service-account-id': 's', 'service-account-name': 's', subject: 's', async: 'b' };
const GET_FLAGS = { id: 's', name: 's' };

// ---------------------------------------------------------------------------
// Helpers over state
const folderOf = (flags) => flags['folder-id'];
function requireFolder(flags) {
  if (!folderOf(flags)) throw invalid('folder id is required (no --folder-id and no default folder in the fake)');
  return folderOf(flags);
}
function findIn(collection, flags, positional, what) {
  const ref = flags.id ?? flags.name ?? positional[0];
  if (!ref) throw invalid(`${what} id or name is required`);
  const items = Object.values(state[collection]);
  let found = items.find((r) => r.id === ref);
  if (!found && !flags.id) {
    const folder = requireFolder(flags);
    found = items.find((r) => r.name === ref && r.folder_id === folder);
  }
  if (!found) throw notFound(`${what} ${ref} not found`);
  return found;
}
function createNamed(collection, prefix, flags, positional, fields, what) {
  const folder = requireFolder(flags);
  const name = flags.name ?? positional[0];
  if (!name) throw invalid(`${what} name is required`);
  if (Object.values(state[collection]).some((r) => r.name === name && r.folder_id === folder)) {
    throw new YcError('AlreadyExists', `${what} with name ${name} already exists`);
  }
  const item = { id: nextId(prefix), folder_id: folder, created_at: now(), name, ...fields };
  state[collection][item.id] = item;
  return item;
}
function subjectOf(flags) {
  if (flags['service-account-id']) return { id: flags['service-account-id'], type: 'serviceAccount' };
  if (flags.subject) {
    const [type, id] = flags.subject.split(':');
    return { id, type };
  }
  if (flags['service-account-name']) {
    const sa = Object.values(state.serviceAccounts).find((s) => s.name === flags['service-account-name']);
    if (!sa) throw notFound(`service account ${flags['service-account-name']} not found`);
    return { id: sa.id, type: 'serviceAccount' };
  }
  throw invalid('a subject is required');
}
const bindingsOf = (resource) => state.bindings.filter((b) => b.resource === resource);
function addBinding(resource, role, subject) {
  if (state.bindings.some((b) => b.resource === resource && b.role === role && b.subject.id === subject.id)) {
    // Whether yc errors here is undocumented; the fake is strict so that the
    // script must look before it adds.
    throw new YcError('AlreadyExists', `access binding ${role} for ${subject.id} already exists`);
  }
  state.bindings.push({ resource, role, subject });
  return { effective_deltas: [{ action: 'ADD', access_binding: { role_id: role, subject } }] };
}
function removeBinding(resource, role, subject) {
  const i = state.bindings.findIndex((b) => b.resource === resource && b.role === role && b.subject.id === subject.id);
  if (i < 0) throw notFound(`access binding ${role} for ${subject.id} not found`);
  state.bindings.splice(i, 1);
  return { effective_deltas: [{ action: 'REMOVE', access_binding: { role_id: role, subject } }] };
}
function bindingCommands(collection, kind, what) {
  return {
    'list-access-bindings': {
      flags: { ...GET_FLAGS, limit: 's' },
      run: ({ flags, positional }) => bindingsOf(`${kind}:${findIn(collection, flags, positional, what).id}`)
        .map((b) => ({ role_id: b.role, subject: b.subject })),
    },
    'add-access-binding': {
      flags: BINDING_FLAGS,
      run: ({ flags, positional }) => addBinding(`${kind}:${findIn(collection, flags, positional, what).id}`, flags.role, subjectOf(flags)),
    },
    'remove-access-binding': {
      flags: BINDING_FLAGS,
      run: ({ flags, positional }) => removeBinding(`${kind}:${findIn(collection, flags, positional, what).id}`, flags.role, subjectOf(flags)),
    },
  };
}
function requireSeconds(value, min, max, flag) {
  const m = /^(\d+)s$|^(\d+)m$/.exec(value ?? '');
  const seconds = m ? (m[1] ? Number(m[1]) : Number(m[2]) * 60) : NaN;
  if (!(seconds >= min && seconds <= max)) throw invalid(`${flag} must be a duration from ${min}s to ${max}s, got ${value}`);
  return `${seconds}s`;
}
function requireInt(value, min, max, flag) {
  const n = Number(value);
  if (!/^\d+$/.test(value ?? '') || n < min || n > max) throw invalid(`${flag} must be ${min}-${max}, got ${value}`);
  return String(n);
}
// pflag stringToString: one '=' -> the whole value; more -> CSV-split.
function parseEnvironment(values = []) {
  const env = {};
  for (const value of values) {
    const pairs = (value.match(/=/g) ?? []).length === 1 ? [value] : value.split(',');
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw invalid(`${pair} must be formatted as key=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}
function parseProps(value) {
  return Object.fromEntries(value.split(',').map((p) => { const eq = p.indexOf('='); return [p.slice(0, eq), p.slice(eq + 1)]; }));
}
const splitList = (v) => (v ? v.split(',') : []);

// ---------------------------------------------------------------------------
// Commands (flags per the yc CLI reference)
const TRIGGER_CREATE_FLAGS = Object.fromEntries([
  'name', 'description', 'labels', 'log-group-id', 'log-group-name', 'resource-ids', 'resource-types', 'stream-names',
  'log-levels', 'batch-size', 'batch-cutoff', 'invoke-function-id', 'invoke-function-name', 'invoke-function-tag',
  'invoke-function-service-account-id', 'invoke-function-service-account-name', 'retry-attempts', 'retry-interval',
  'dlq-queue-id', 'dlq-service-account-id', 'dlq-service-account-name',
].map((f) => [f, 's']).concat([['async', 'b']]));
const TRIGGER_UPDATE_FLAGS = Object.fromEntries([
  'id', 'name', 'new-name', 'description', 'labels', 'new-log-group-id', 'new-log-group-name', 'new-resource-ids',
  'new-resource-types', 'new-stream-names', 'new-log-levels', 'new-batch-size', 'new-batch-cutoff',
  'new-invoke-function-id', 'new-invoke-function-name', 'new-invoke-function-tag', 'new-invoke-function-service-account-id',
  'new-invoke-function-service-account-name', 'new-function-retry-attempts', 'new-function-retry-interval',
  'new-function-dlq-queue-id', 'new-function-dlq-service-account-id', 'new-function-dlq-service-account-name',
].map((f) => [f, 's']).concat([['async', 'b']]));
const VERSION_CREATE_FLAGS = Object.fromEntries([
  'function-id', 'function-name', 'runtime', 'entrypoint', 'memory', 'execution-timeout', 'service-account-id',
  'package-bucket-name', 'package-object-name', 'package-sha256', 'source-path', 'source-version-id', 'description',
  'environment', 'tags', 'network-name', 'network-id', 'secret', 'log-group-id', 'log-group-name', 'log-folder-id',
  'log-folder-name', 'min-log-level', 'tmpfs-size', 'concurrency', 'metadata-options',
].map((f) => [f, 's']).concat([['async', 'b'], ['no-logging', 'b']]));

function requireRole(resource, role, saId, what) {
  if (!state.bindings.some((b) => b.resource === resource && b.role === role && b.subject.id === saId)) {
    throw new YcError('PermissionDenied', `service account ${saId} has no ${role} on ${what}`);
  }
}

function createTrigger({ flags, positional }) {
  const logGroupId = flags['log-group-id'];
  if (!state.logGroups[logGroupId]) throw notFound(`log group ${logGroupId} not found`);
  const fn = state.functions[flags['invoke-function-id']];
  if (!fn) throw notFound(`function ${flags['invoke-function-id']} not found`);
  const saId = flags['invoke-function-service-account-id'];
  if (!state.serviceAccounts[saId]) throw notFound(`service account ${saId} not found`);
  // Assumed service-side check, so that the tests pin the order: roles first, trigger last.
  requireRole(`function:${fn.id}`, 'functions.functionInvoker', saId, `function ${fn.id}`);
  requireRole(`log-group:${logGroupId}`, 'logging.reader', saId, `log group ${logGroupId}`);
  const invoke = { function_id: fn.id, function_tag: flags['invoke-function-tag'] ?? '$latest', service_account_id: saId };
  if (flags['retry-attempts'] !== undefined) {
    invoke.retry_settings = {
      retry_attempts: requireInt(flags['retry-attempts'], 1, 5, '--retry-attempts'),
      interval: requireSeconds(flags['retry-interval'], 10, 60, '--retry-interval'),
    };
  }
  if (flags['dlq-queue-id']) {
    invoke.dead_letter_queue = { queue_id: flags['dlq-queue-id'], service_account_id: flags['dlq-service-account-id'] };
  }
  return createNamed('triggers', 'a1s', flags, positional, {
    description: flags.description ?? '',
    rule: { logging: {
      log_group_id: logGroupId,
      resource_type: splitList(flags['resource-types']),
      resource_id: splitList(flags['resource-ids']),
      stream_name: splitList(flags['stream-names']),
      batch_settings: {
        size: requireInt(flags['batch-size'] ?? '1', 1, 1000, '--batch-size'),
        cutoff: requireSeconds(flags['batch-cutoff'] ?? '1s', 1, 60, '--batch-cutoff'),
      },
      invoke_function: invoke,
    } },
    status: 'ACTIVE',
  }, 'trigger');
}

function updateTrigger({ flags, positional }) {
  const trigger = findIn('triggers', flags, positional, 'trigger');
  const l = trigger.rule.logging;
  const f = l.invoke_function;
  if (flags['new-log-group-id']) l.log_group_id = flags['new-log-group-id'];
  if (flags['new-resource-types']) l.resource_type = splitList(flags['new-resource-types']);
  if (flags['new-resource-ids']) l.resource_id = splitList(flags['new-resource-ids']);
  if (flags['new-stream-names']) l.stream_name = splitList(flags['new-stream-names']);
  if (flags['new-batch-size']) l.batch_settings.size = requireInt(flags['new-batch-size'], 1, 1000, '--new-batch-size');
  if (flags['new-batch-cutoff']) l.batch_settings.cutoff = requireSeconds(flags['new-batch-cutoff'], 1, 60, '--new-batch-cutoff');
  if (flags['new-invoke-function-id']) f.function_id = flags['new-invoke-function-id'];
  if (flags['new-invoke-function-tag']) f.function_tag = flags['new-invoke-function-tag'];
  if (flags['new-invoke-function-service-account-id']) f.service_account_id = flags['new-invoke-function-service-account-id'];
  if (flags['new-function-retry-attempts']) {
    f.retry_settings = {
      retry_attempts: requireInt(flags['new-function-retry-attempts'], 1, 5, '--new-function-retry-attempts'),
      interval: requireSeconds(flags['new-function-retry-interval'], 10, 60, '--new-function-retry-interval'),
    };
  }
  if (flags['new-function-dlq-queue-id']) {
    f.dead_letter_queue = { queue_id: flags['new-function-dlq-queue-id'], service_account_id: flags['new-function-dlq-service-account-id'] };
  }
  return trigger;
}

function createVersion({ flags }) {
  const fn = state.functions[flags['function-id']];
  if (!fn) throw notFound(`function ${flags['function-id']} not found`);
  for (const required of ['runtime', 'entrypoint', 'source-path']) {
    if (!flags[required]) throw invalid(`--${required} is required`);
  }
  const sa = flags['service-account-id'];
  if (sa && !state.serviceAccounts[sa]) throw notFound(`service account ${sa} not found`);
  const dir = flags['source-path'];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw invalid(`source path ${dir} is not a directory`);
  const files = Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  const secrets = (flags.secret ?? []).map(parseProps).map((p) => {
    if (!state.secrets[p.id]) throw notFound(`secret ${p.id} not found`);
    return { id: p.id, version_id: p['version-id'] ?? state.secrets[p.id].current_version.id, key: p.key, environment_variable: p['environment-variable'] };
  });
  const version = {
    id: nextId('d4v'), function_id: fn.id, created_at: now(), runtime: flags.runtime, entrypoint: flags.entrypoint,
    description: flags.description ?? '', resources: { memory: flags.memory ?? '128MB' },
    execution_timeout: flags['execution-timeout'] ?? '3s', service_account_id: sa ?? '', status: 'ACTIVE',
    tags: ['$latest'], environment: parseEnvironment(flags.environment), secrets,
    log_options: flags['no-logging'] ? { disabled: true } : (flags['log-group-id'] ? { log_group_id: flags['log-group-id'] } : { folder_id: fn.folder_id }),
  };
  for (const v of Object.values(state.versions)) {
    if (v.function_id === fn.id) v.tags = v.tags.filter((t) => t !== '$latest');
  }
  state.versions[version.id] = version;
  state.packages = { ...(state.packages ?? {}), [version.id]: files };
  return version;
}

function createAccessKey({ flags }) {
  const sa = state.serviceAccounts[flags['service-account-id']]
    ?? Object.values(state.serviceAccounts).find((s) => s.name === flags['service-account-name']);
  if (!sa) throw notFound('service account not found');
  const id = nextId('ajk');
  const key = { id, service_account_id: sa.id, created_at: now(), description: flags.description ?? '', key_id: `YCAJE${id.slice(-8)}` };
  const secret = `YCfake-secret-${Math.random().toString(36).slice(2)}-${state.seq}`;
  state.accessKeys[id] = { ...key, secret };
  return { access_key: key, secret };
}

function createSecret({ flags, positional }) {
  let payloadText = flags.payload;
  const fromStdin = payloadText === '-';
  if (fromStdin) payloadText = fs.readFileSync(0, 'utf8');
  const entries = payloadText ? JSON.parse(payloadText) : [];
  const secret = createNamed('secrets', 'e6q', flags, positional, {
    description: flags.description ?? '', status: 'ACTIVE', payload_on_command_line: Boolean(payloadText) && !fromStdin,
  }, 'secret');
  secret.current_version = { id: nextId('e6v'), secret_id: secret.id, payload_entry_keys: entries.map((e) => e.key) };
  secret.payload = entries; // kept in the state only, so the tests can check it arrived
  const { payload, payload_on_command_line: _, ...shown } = secret;
  return shown;
}

function deleteFrom(collection, what, cascade) {
  return ({ flags, positional }) => {
    const item = findIn(collection, flags, positional, what);
    delete state[collection][item.id];
    cascade?.(item);
    return { id: item.id, done: true };
  };
}

const COMMANDS = {
  'iam create-token': { flags: {}, raw: true, run: () => `${FAKE_IAM_TOKEN}\n` },
  'managed-kubernetes cluster get': { flags: GET_FLAGS, run: ({ flags, positional }) => findIn('clusters', flags, positional, 'cluster') },
  'logging group get': { flags: GET_FLAGS, run: ({ flags, positional }) => findIn('logGroups', flags, positional, 'log group') },
  ...prefixed('logging group', bindingCommands('logGroups', 'log-group', 'log group')),
  'iam service-account get': { flags: GET_FLAGS, run: ({ flags, positional }) => findIn('serviceAccounts', flags, positional, 'service account') },
  'iam service-account create': {
    flags: { name: 's', description: 's', labels: 's' },
    run: ({ flags, positional }) => createNamed('serviceAccounts', 'aje', flags, positional, { description: flags.description ?? '' }, 'service account'),
  },
  'iam service-account delete': {
    flags: { ...GET_FLAGS, async: 'b' },
    run: deleteFrom('serviceAccounts', 'service account', (sa) => {
      for (const [id, key] of Object.entries(state.accessKeys)) if (key.service_account_id === sa.id) delete state.accessKeys[id];
    }),
  },
  'iam access-key create': {
    flags: { 'service-account-id': 's', 'service-account-name': 's', description: 's' }, run: createAccessKey,
  },
  'storage bucket get': {
    flags: { name: 's', 'with-acl': 'b', full: 'b' },
    run: ({ flags, positional }) => {
      const name = flags.name ?? positional[0];
      const bucket = state.buckets[name];
      if (!bucket) throw notFound(`The specified bucket does not exist: ${name}`);
      return bucket;
    },
  },
  'storage bucket create': {
    flags: { name: 's', 'default-storage-class': 's', 'max-size': 's', 'public-read': 'b', 'public-list': 'b', 'public-config-read': 'b', acl: 's', grants: 's', tags: 's', async: 'b' },
    run: ({ flags, positional }) => {
      const name = flags.name ?? positional[0];
      if (state.buckets[name]) throw new YcError('AlreadyExists', `bucket ${name} already exists`);
      const bucket = {
        name, folder_id: requireFolder(flags), default_storage_class: (flags['default-storage-class'] ?? 'standard').toUpperCase(),
        max_size: flags['max-size'] ?? '0', anonymous_access_flags: { read: false, list: false, config_read: false }, created_at: now(),
      };
      state.buckets[name] = bucket;
      return bucket;
    },
  },
  'storage bucket delete': {
    flags: { name: 's', async: 'b' },
    run: ({ flags, positional }) => {
      const name = flags.name ?? positional[0];
      const bucket = state.buckets[name];
      if (!bucket) throw notFound(`The specified bucket does not exist: ${name}`);
      if (bucket.object_count) throw new YcError('FailedPrecondition', 'The bucket you tried to delete is not empty');
      delete state.buckets[name];
      state.bindings = state.bindings.filter((b) => b.resource !== `bucket:${name}`);
      return {};
    },
  },
  'serverless function get': { flags: GET_FLAGS, run: ({ flags, positional }) => findIn('functions', flags, positional, 'function') },
  'serverless function create': {
    flags: { name: 's', description: 's', labels: 's', async: 'b' },
    run: ({ flags, positional }) => createNamed('functions', 'd4e', flags, positional, {
      description: flags.description ?? '', log_group_id: 'e23default', http_invoke_url: 'https://functions.yandexcloud.net/fake', status: 'ACTIVE',
    }, 'function'),
  },
  'serverless function delete': {
    flags: { ...GET_FLAGS, async: 'b' },
    run: deleteFrom('functions', 'function', (fn) => {
      for (const [id, v] of Object.entries(state.versions)) if (v.function_id === fn.id) delete state.versions[id];
      state.bindings = state.bindings.filter((b) => b.resource !== `function:${fn.id}`);
    }),
  },
  ...prefixed('serverless function', bindingCommands('functions', 'function', 'function')),
  'serverless function version create': { flags: VERSION_CREATE_FLAGS, run: createVersion },
  'serverless function version list': {
    flags: { 'function-id': 's', 'function-name': 's' },
    run: ({ flags }) => Object.values(state.versions).filter((v) => v.function_id === flags['function-id']),
  },
  'serverless trigger get': { flags: GET_FLAGS, run: ({ flags, positional }) => findIn('triggers', flags, positional, 'trigger') },
  'serverless trigger create logging': { flags: TRIGGER_CREATE_FLAGS, run: createTrigger },
  'serverless trigger update logging': { flags: TRIGGER_UPDATE_FLAGS, run: updateTrigger },
  'serverless trigger delete': { flags: { ...GET_FLAGS, async: 'b' }, run: deleteFrom('triggers', 'trigger') },
  'lockbox secret get': { flags: GET_FLAGS, run: ({ flags, positional }) => { const { payload, payload_on_command_line: _, ...s } = findIn('secrets', flags, positional, 'secret'); return s; } },
  'lockbox secret create': {
    flags: { name: 's', description: 's', labels: 's', 'kms-key-id': 's', 'version-description': 's', payload: 's', 'deletion-protection': 'b', async: 'b' },
    run: createSecret,
  },
  'lockbox secret delete': {
    flags: { ...GET_FLAGS, async: 'b' },
    run: deleteFrom('secrets', 'secret', (s) => { state.bindings = state.bindings.filter((b) => b.resource !== `lockbox-secret:${s.id}`); }),
  },
  ...prefixed('lockbox secret', bindingCommands('secrets', 'lockbox-secret', 'secret')),
  ...prefixed('resource-manager folder', {
    'list-access-bindings': { flags: GET_FLAGS, run: ({ flags, positional }) => bindingsOf(`folder:${flags.id ?? positional[0]}`).map((b) => ({ role_id: b.role, subject: b.subject })) },
    'add-access-binding': { flags: BINDING_FLAGS, run: ({ flags, positional }) => addBinding(`folder:${flags.id ?? positional[0]}`, flags.role, subjectOf(flags)) },
    'remove-access-binding': { flags: BINDING_FLAGS, run: ({ flags, positional }) => removeBinding(`folder:${flags.id ?? positional[0]}`, flags.role, subjectOf(flags)) },
  }),
};

function prefixed(prefix, commands) {
  return Object.fromEntries(Object.entries(commands).map(([k, v]) => [`${prefix} ${k}`, v]));
}

// ---------------------------------------------------------------------------
// Injected failures
function injectedFailure(commandLine) {
  let rules = [];
  try { rules = JSON.parse(process.env.FAKE_YC_FAIL || '[]'); } catch { rules = []; }
  for (const [i, rule] of rules.entries()) {
    if (!commandLine.startsWith(rule.match)) continue;
    const used = state.failures[i] ?? 0;
    if (rule.times !== undefined && used >= rule.times) continue;
    state.failures[i] = used + 1;
    return new YcError(rule.code ?? 'Internal', `injected failure for ${rule.match}`);
  }
  return null;
}

function fail(error) {
  save();
  if (error.code === 'Usage') {
    process.stderr.write(`ERROR: ${error.message}\n`);
  } else {
    process.stderr.write(`ERROR: rpc error: code = ${error.code} desc = ${error.message}\nserver-request-id: 00000000-fake\n`);
  }
  process.exit(1);
}

// ---------------------------------------------------------------------------
// yc
function runYc() {
  const words = [];
  for (const w of argv) { if (w.startsWith('--')) break; words.push(w); }
  let key = null;
  for (let n = words.length; n > 0 && !key; n -= 1) {
    const candidate = words.slice(0, n).join(' ');
    if (COMMANDS[candidate]) key = candidate;
  }
  if (!key) fail(new YcError('Usage', `unknown command "yc ${words.join(' ')}" (not faked)`));
  const command = COMMANDS[key];
  try {
    const parsed = parse(argv.slice(key.split(' ').length), command.flags);
    const injected = injectedFailure(key);
    if (injected) throw injected;
    const result = command.run(parsed);
    save();
    if (command.raw) process.stdout.write(result);
    else if (parsed.flags.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${JSON.stringify(result)}\n`); // the fake has no text format
  } catch (error) {
    if (error instanceof YcError) fail(error);
    throw error;
  }
}

// ---------------------------------------------------------------------------
// curl, only for the Object Storage REST API's access bindings
function runCurl() {
  let method = 'GET';
  let url = null;
  let body = null;
  let failWithBody = false;
  const headers = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '-X') method = argv[++i];
    else if (a === '-H') {
      const h = argv[++i];
      if (h.startsWith('@')) headers.push(...fs.readFileSync(h.slice(1), 'utf8').split('\n').filter(Boolean));
      else headers.push(h);
    } else if (a === '--data' || a === '--data-binary' || a === '-d') body = argv[++i];
    else if (a === '--fail-with-body') failWithBody = true;
    else if (a === '-sS' || a === '-s' || a === '-S') { /* quiet */ } else if (!a.startsWith('-')) url = a;
    else { process.stderr.write(`curl: fake does not know option ${a}\n`); process.exit(2); }
  }
  const respond = (status, payload) => {
    save();
    process.stdout.write(JSON.stringify(payload));
    if (status >= 400) {
      process.stderr.write(`curl: (22) The requested URL returned error: ${status}\n`);
      process.exit(failWithBody ? 22 : 0);
    }
    process.exit(0);
  };
  const auth = headers.find((h) => /^authorization:/i.test(h));
  if (auth !== `Authorization: Bearer ${FAKE_IAM_TOKEN}`) respond(401, { code: 16, message: 'unauthenticated' });
  const m = /^https:\/\/storage\.api\.cloud\.yandex\.net\/storage\/v1\/buckets\/([^:/?]+):(listAccessBindings|updateAccessBindings)(\?.*)?$/.exec(url ?? '');
  if (!m) respond(404, { code: 5, message: `fake has no route for ${method} ${url}` });
  const [, bucket, verb] = m;
  if (!state.buckets[bucket]) respond(404, { code: 5, message: `bucket ${bucket} not found` });
  const resource = `bucket:${bucket}`;
  if (verb === 'listAccessBindings' && method === 'GET') {
    const list = bindingsOf(resource).map((b) => ({ roleId: b.role, subject: b.subject }));
    respond(200, list.length ? { accessBindings: list } : {});
  }
  if (verb === 'updateAccessBindings' && method === 'PATCH') {
    const { accessBindingDeltas: deltas } = JSON.parse(body ?? '{}');
    try {
      for (const d of deltas) {
        const { roleId, subject } = d.accessBinding;
        if (d.action === 'ADD') addBinding(resource, roleId, subject); else removeBinding(resource, roleId, subject);
      }
    } catch (error) {
      respond(409, { code: 6, message: error.message });
    }
    respond(200, { id: 'fakeop', description: 'update bucket access bindings', done: true, metadata: { resourceId: bucket } });
  }
  respond(405, { code: 12, message: `${method} not allowed for ${verb}` });
}

if (program === 'curl') runCurl(); else runYc();
