// The CLI contract, tested from outside: the built dist/cli.js, spawned.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { POLICIES, ROOT, runCli, SAMPLES } from '../support/cli';

const GCE = join(POLICIES, 'gce-audit-policy.yaml');
const DOCS = join(POLICIES, 'docs-audit-policy.yaml');
const FALCO = join(SAMPLES, 'falco-k8s-audit-traces.ndjson');
const OPENSHIFT = join(SAMPLES, 'clo-openshift-audit-in.ndjson');
const tmp = mkdtempSync(join(tmpdir(), 'k8s-audit-cli-'));

function write(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('Command: check-policy', () => {
  it.each([
    { file: GCE, rules: 17 },
    { file: DOCS, rules: 9 },
    { file: join(ROOT, 'test/fixtures/policies/omit-managed-fields.yaml'), rules: 1 },
  ])('accepts $file with "ok: $rules rules"', ({ file, rules }) => {
    const r = runCli(['check-policy', file]);
    expect([r.status, r.stdout]).toEqual([0, `ok: ${rules} rules\n`]);
  });

  it('rejects an invalid policy with exit 1 and the apiserver message on stderr', () => {
    const bad = write('bad.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: ""\n- level: None\n  nonResourceURLs: [logs]\n');
    const r = runCli(['check-policy', bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`[rules[0].level: Required value, rules[1].nonResourceURLs[0]: Invalid value: "logs": non-resource URL rules must begin with a '/' character]: from file ${bad}\n`);
  });

  it('rejects the CLO policy, which has no apiVersion (an extension format, not a kube Policy)', () => {
    const r = runCli(['check-policy', join(POLICIES, 'clo-example-policy.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^unknown group version field audit\.k8s\.io\/__internal, Kind=Policy in policy: from file /);
  });

  it('warns about ignored fields and still succeeds', () => {
    const p = write('unknown.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  omitStage: [Panic]\n');
    const r = runCli(['check-policy', p]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('unknown field "rules[0].omitStage"');
  });
});

describe('Command: explain', () => {
  it('prints one JSON line per event, in input order, with the contract keys', () => {
    const r = runCli(['explain', '--policy', GCE, FALCO]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const inputIds = readFileSync(FALCO, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { auditID: string }).auditID);
    expect(lines.map((l) => l.auditID)).toEqual(inputIds);
    expect(Object.keys(lines[0]!)).toEqual(['auditID', 'stage', 'level', 'omitStages', 'omitManagedFields', 'rule', 'emit']);
  });

  it('reports the decided level and rule, and emit=false for dropped events', () => {
    const health = JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'h1', stage: 'ResponseComplete', requestURI: '/healthz?verbose', verb: 'get', user: { username: 'u' } });
    const r = runCli(['explain', '--policy', GCE], { input: `${health}\n` });
    expect(JSON.parse(r.stdout)).toEqual({ auditID: 'h1', stage: 'ResponseComplete', level: 'None', omitStages: [], omitManagedFields: false, rule: 8, emit: false });
  });

  it('--why names the fields of the deciding rule and the first failing field of each earlier rule', () => {
    // Rule 0 of the GCE policy: kube-proxy watches of endpoints/services. A kube-proxy *get* almost matches it.
    const almost = JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: 'w1', stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/default/endpoints/kubernetes', verb: 'get', user: { username: 'system:kube-proxy', groups: ['system:authenticated'] }, objectRef: { resource: 'endpoints', namespace: 'default', name: 'kubernetes', apiVersion: 'v1' } });
    const r = runCli(['explain', '--policy', GCE, '--why'], { input: almost });
    const why = (JSON.parse(r.stdout) as { why: { decidedBy: { rule: number; matched: string[] }; earlier: Array<{ rule: number; failed: string }> } }).why;
    expect(why.earlier[0]).toEqual({ rule: 0, failed: 'verbs: "get" not in ["watch"]' });
    expect(why.decidedBy.rule).toBe(14);
    expect(why.decidedBy.matched).toEqual(['verbs: "get" in ["get", "list", "watch"]', 'a resource request', expect.stringMatching(/^resources: group "" resource "endpoints" name "kubernetes" matches /)]);
    expect(why.earlier.map((e) => e.rule)).toEqual([...Array(14).keys()]);
  });

  it('--output table prints a header and a row per event', () => {
    const r = runCli(['explain', '--policy', GCE, '--output', 'table', FALCO]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('AUDIT-ID\tSTAGE\tVERB\tURI\tLEVEL\tRULE\tEMIT');
    expect(lines).toHaveLength(52);
  });
});

describe('Command: filter', () => {
  it('writes kept events as NDJSON and a one-line summary on stderr', () => {
    const r = runCli(['filter', '--policy', GCE, OPENSHIFT]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('k8s-audit filter: read 100, kept 95, dropped 5, malformed 0\n');
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; responseObject?: unknown });
    expect(out).toHaveLength(95);
    expect(out.filter((e) => e.level === 'Metadata').every((e) => e.responseObject === undefined)).toBe(true);
  });

  it('writes an event kept unchanged as its original line bytes', () => {
    const r = runCli(['filter', '--policy', join(ROOT, 'test/fixtures/policies/omit-managed-fields.yaml'), OPENSHIFT]);
    expect(r.stdoutBytes.equals(readFileSync(OPENSHIFT))).toBe(true);
  });

  it('reads stdin when no input is given, and "-"', () => {
    const input = readFileSync(FALCO);
    const fromFile = runCli(['filter', '--policy', DOCS, FALCO]).stdout;
    expect(runCli(['filter', '--policy', DOCS], { input }).stdout).toBe(fromFile);
    expect(runCli(['filter', '--policy', DOCS, '-'], { input }).stdout).toBe(fromFile);
  });

  it('reports malformed lines as FILE:LINE: reason, counts them, and goes on (exit 0)', () => {
    const good = readFileSync(FALCO, 'utf8').split('\n')[0]!;
    const f = write('mixed.ndjson', [good, '{"kind": 0}', '{not json', '', good, '{"kind":"Event","stage":"ResponseComplete","level":"Metadata","requestURI":"/"}'].join('\n'));
    const r = runCli(['filter', '--policy', DOCS, f]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe([
      `${f}:2: kind: expected "Event", got 0`,
      `${f}:3: invalid JSON: ${jsonError('{not json')}`,
      `${f}:6: verb: missing`,
      'k8s-audit filter: read 5, kept 2, dropped 0, malformed 3',
      '',
    ].join('\n'));
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('reads what a gzip file cut short holds, reports the cut, and goes on to the next input', () => {
    const whole = gzipSync(readFileSync(OPENSHIFT));
    const cut = write('cut.ndjson.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    const r = runCli(['filter', '--policy', join(ROOT, 'test/fixtures/policies/omit-managed-fields.yaml'), cut, FALCO]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${cut}:\\d+: incomplete last line: gzip data ends early: unexpected end of file\n`));
    const kept = r.stdout.trimEnd().split('\n');
    expect(kept.length).toBeGreaterThan(51);
    expect(kept.slice(-51).join('\n')).toBe(readFileSync(FALCO, 'utf8').trimEnd());
  });

  it('stops quietly with exit 0 when the reader goes away (| head)', () => {
    const r = spawnSync('bash', ['-c', `${process.execPath} ${join(ROOT, 'dist/cli.js')} filter --policy ${join(ROOT, 'test/fixtures/policies/omit-managed-fields.yaml')} ${OPENSHIFT} ${OPENSHIFT} ${OPENSHIFT} | head -c 100 > /dev/null; echo "\${PIPESTATUS[0]}"`]);
    expect(r.stdout.toString().trim()).toBe('0');
    expect(r.stderr.toString()).toBe('');
  });

  it('--strict turns malformed records into exit 2, after writing what was good', () => {
    const r = runCli(['filter', '--policy', DOCS, '--strict', join(SAMPLES, 'negative-falco-malformed-kind0.ndjson'), FALCO]);
    expect(r.status).toBe(2);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(51);
  });

  it.each([
    { name: 'no --policy', args: ['filter', FALCO], status: 1, stderr: /--policy FILE is required/ },
    { name: 'an unknown flag', args: ['filter', '--policy', GCE, '--nope'], status: 1, stderr: /Unknown option '--nope'/ },
    { name: 'a missing input file', args: ['filter', '--policy', GCE, '/nonexistent.ndjson'], status: 2, stderr: /cannot read input: .*nonexistent/ },
    { name: 'an invalid policy', args: ['filter', '--policy', join(POLICIES, 'clo-example-policy.yaml'), FALCO], status: 1, stderr: /^unknown group version field/ },
  ])('fails with exit $status on $name', ({ args, status, stderr }) => {
    const r = runCli(args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe('');
  });
});

describe('Inputs: the same events in every format give the same output', () => {
  const lines = readFileSync(FALCO, 'utf8').trimEnd().split('\n');
  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const reference = runCli(['filter', '--policy', GCE, FALCO]);
  // Lines kept unchanged are written as their original bytes; other formats re-serialise. Compare parsed.
  const expected = reference.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
  const trigger = {
    messages: [{
      event_metadata: { event_id: 'e1', event_type: 'yandex.cloud.events.serverless.triggers.LoggingMessageBatch', created_at: { seconds: 1, nanos: 0 } },
      details: { messages: events.map((e) => ({ resource: { type: 'k8s.cluster', id: 'c1' }, timestamp: '2021-09-02 18:29:17.118082213 +0000 UTC', level: 'INFO', message: '', json_payload: e, stream_name: 'audit' })) },
    }],
  };
  const formats: Array<{ name: string; content: string | Buffer }> = [
    { name: 'a JSON array', content: JSON.stringify(events) },
    { name: 'a pretty-printed JSON array', content: JSON.stringify(events, null, 2) },
    { name: 'an EventList whose items lack kind/apiVersion', content: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) }) },
    { name: 'a pretty-printed EventList', content: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events }, null, 1) },
    { name: 'a Cloud Logging trigger payload', content: JSON.stringify(trigger, null, 2) },
    { name: 'gzipped NDJSON', content: gzipSync(readFileSync(FALCO)) },
    { name: 'a gzipped JSON array', content: gzipSync(JSON.stringify(events, null, 2)) },
    { name: 'CRLF line endings', content: lines.join('\r\n') },
  ];
  it.each(formats)('$name', ({ name, content }) => {
    const file = write(`${name.replace(/\W+/g, '-')}.in`, content);
    const r = runCli(['filter', '--policy', GCE, file]);
    expect(r.status).toBe(0);
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    if (name.startsWith('an EventList whose')) {
      expect(out.map(({ kind: _k, apiVersion: _a, ...rest }) => rest)).toEqual(expected.map((e) => { const { kind: _k, apiVersion: _a, ...rest } = e as Record<string, unknown>; return rest; }));
    } else {
      expect(out).toEqual(expected);
    }
    expect(r.stderr).toMatch(/read 51, kept 51, dropped 0, malformed 0/);
  });

  it('a single pretty-printed event', () => {
    const r = runCli(['filter', '--policy', GCE, write('single.json', JSON.stringify(events[0], null, 2))]);
    expect(JSON.parse(r.stdout)).toEqual(expected[0]);
  });

  it('directories, recursively in sorted order', () => {
    const dir = mkdtempSync(join(tmp, 'dir-'));
    writeFileSync(join(dir, 'b.ndjson'), lines.slice(10).join('\n'));
    const { mkdirSync } = require('node:fs') as typeof import('node:fs');
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'z.ndjson.gz'), gzipSync(lines.slice(0, 10).join('\n')));
    const r = runCli(['filter', '--policy', GCE, dir]);
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(expected);
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('Help', () => {
  it.each(['filter', 'explain', 'check-policy'])('%s --help shows usage and an example', (cmd) => {
    const r = runCli([cmd, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: k8s-audit ${cmd}`));
    expect(r.stdout).toMatch(/\nExamples?:\n/);
  });
});
