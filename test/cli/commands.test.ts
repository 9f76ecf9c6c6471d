// invoke, filter --out DIR, stats and check-policy warnings: the built CLI, spawned.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLI, POLICIES, ROOT, runCli, SAMPLES } from '../support/cli';

const GCE = join(POLICIES, 'gce-audit-policy.yaml');
const EXAMPLE = join(ROOT, 'examples/trigger-event.json');
const tmp = mkdtempSync(join(tmpdir(), 'k8s-audit-cmd-'));

function files(dir: string): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return walk(dir).map((f) => relative(dir, f)).sort();
}

function gunzipLines(path: string): Array<Record<string, unknown>> {
  return gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Command: invoke', () => {
  it('runs the handler on the example payload into ./out/BUCKET/KEY, offline', () => {
    const cwd = mkdtempSync(join(tmp, 'invoke-'));
    const r = runCli(['invoke', '--event', EXAMPLE], { cwd, env: { BUCKET_NAME: '' } });
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { entries: number; kept: number; dropped: { policy: number; stage: number }; skipped: number; quarantined: number; objects: Array<{ key: string; events: number }> };
    expect(summary.kept + summary.dropped.policy + summary.dropped.stage + summary.skipped + summary.quarantined).toBe(summary.entries);
    expect(summary.skipped).toBe(3);
    expect(summary.quarantined).toBe(1);
    const written = files(join(cwd, 'out'));
    expect(written).toEqual(summary.objects.map((o) => `k8s-audit-local/${o.key}`).sort());
    const events = summary.objects.find((o) => o.key.startsWith('AUDIT/'))!;
    expect(events.key).toMatch(/^AUDIT\/cat1examplecluster01\/\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d-[0-9a-f]{16}\.ndjson\.gz$/);
    expect(gunzipLines(join(cwd, 'out/k8s-audit-local', events.key))).toHaveLength(events.events);
    expect(r.stderr).toContain(`wrote out/k8s-audit-local/${events.key}`);
  });

  it('stores exactly what `filter` keeps for the same events and policy', () => {
    const cwd = mkdtempSync(join(tmp, 'invoke-'));
    const r = runCli(['invoke', '--event', EXAMPLE, '--out', 'o'], { cwd, env: { AUDIT_POLICY_FILE: GCE, BUCKET_NAME: 'b' } });
    const key = (JSON.parse(r.stdout) as { objects: Array<{ key: string }> }).objects[0]!.key;
    const stored = gunzipLines(join(cwd, 'o/b', key));
    const filtered = runCli(['filter', '--policy', GCE, EXAMPLE]).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(stored).toEqual(filtered);
  });

  it('is idempotent: invoking twice leaves the same files', () => {
    const cwd = mkdtempSync(join(tmp, 'invoke-'));
    runCli(['invoke', '--event', EXAMPLE], { cwd });
    const first = files(join(cwd, 'out'));
    runCli(['invoke', '--event', EXAMPLE], { cwd });
    expect(files(join(cwd, 'out'))).toEqual(first);
  });

  it.each([
    { name: 'no --event', args: ['invoke'], status: 1, stderr: /--event TRIGGER.json is required/ },
    { name: 'a missing file', args: ['invoke', '--event', '/nonexistent.json'], status: 2, stderr: /cannot read trigger payload/ },
    { name: 'an invalid AUDIT_POLICY', args: ['invoke', '--event', EXAMPLE], env: { AUDIT_POLICY: 'rules: []' }, status: 1, stderr: /AUDIT_POLICY: invalid audit policy: unknown group version field/ },
  ])('fails on $name', ({ args, env, status, stderr }) => {
    const r = runCli(args, { cwd: mkdtempSync(join(tmp, 'invoke-')), env });
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(stderr);
  });
});

describe('Command: filter --out DIR', () => {
  it('writes the function\'s objects, rolling at --max-object-bytes, content-named (re-runs rewrite the same keys)', () => {
    const out = mkdtempSync(join(tmp, 'out-'));
    const args = ['filter', '--policy', GCE, '--out', out, '--cluster', 'my/cluster', '--max-object-bytes', '50000', join(SAMPLES, 'clo-openshift-audit-in.ndjson')];
    const r = runCli(args);
    expect(r.status).toBe(0);
    const written = files(out);
    expect(written.length).toBeGreaterThan(1);
    expect(written.every((f) => /^AUDIT\/my_cluster\/\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d-[0-9a-f]{16}\.ndjson\.gz$/.test(f))).toBe(true);
    const stored = written.flatMap((f) => gunzipLines(join(out, f)));
    expect(stored).toHaveLength(95);
    expect(r.stderr).toMatch(new RegExp(`kept 95, dropped 5, truncated 0, objects ${written.length}, malformed 0`));
    runCli(args);
    expect(files(out)).toEqual(written);
  });

  it('keeps each trigger entry\'s cluster', () => {
    const out = mkdtempSync(join(tmp, 'out-'));
    runCli(['filter', '--policy', GCE, '--out', out, EXAMPLE]);
    expect(files(out).every((f) => f.startsWith('AUDIT/cat1examplecluster01/'))).toBe(true);
  });

  it('refuses an s3:// destination without credentials, naming what to set', () => {
    const r = runCli(['filter', '--policy', GCE, '--out', 's3://bucket/prefix', EXAMPLE], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', YC_TOKEN: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/S3 output needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give an IAM token with --iam-token or YC_TOKEN/);
  });
});

describe('Command: stats', () => {
  // Four events checked by hand: two health checks (dropped by rule 8 of the GCE policy), one secret read
  // (rule 13, Metadata: kept, responseObject removed), one request no rule of a narrower policy matches.
  const health = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'h', stage: 'ResponseComplete', requestURI: '/healthz', verb: 'get', user: { username: 'lb', groups: ['system:authenticated'] } };
  const secret = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: 's', stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/a/secrets/x', verb: 'get', user: { username: 'alice', groups: ['devs'] }, objectRef: { resource: 'secrets', namespace: 'a', name: 'x', apiVersion: 'v1' }, responseObject: { kind: 'Secret', data: { k: 'dmFsdWU=' } } };
  const lines = [health, { ...health, auditID: 'h2' }, secret].map((e) => JSON.stringify(e));
  const input = `${lines.join('\n')}\n`;

  it('counts decisions, kept/dropped and bytes per rule', () => {
    const r = runCli(['stats', '--policy', GCE, '--output', 'json'], { input });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { rules: Array<Record<string, number>>; unmatched: Record<string, number>; total: Record<string, number>; top: Record<string, Array<{ name: string; events: number; outputBytes: number }>> };
    const reducedSecret = JSON.stringify({ ...secret, level: 'Metadata', responseObject: undefined });
    const secretOut = Buffer.byteLength(reducedSecret) + 1;
    expect(report.rules[8]).toMatchObject({ decided: 2, kept: 0, dropped: 2, inputBytes: lines[0]!.length + lines[1]!.length, outputBytes: 0, share: 0 });
    expect(report.rules[13]).toMatchObject({ level: 'Metadata', decided: 1, kept: 1, dropped: 0, inputBytes: lines[2]!.length, outputBytes: secretOut, share: 100 });
    expect(report.total).toEqual({ decided: 3, kept: 1, dropped: 2, inputBytes: lines.join('').length, outputBytes: secretOut });
    expect(report.unmatched.decided).toBe(0);
    expect(report.top.users).toEqual([{ name: 'alice', events: 1, outputBytes: secretOut }]);
    expect(report.top.resources).toEqual([{ name: 'secrets', events: 1, outputBytes: secretOut }]);
  });

  it('reports events no rule matched on the default line', () => {
    const narrow = join(tmp, 'narrow.yaml');
    writeFileSync(narrow, 'apiVersion: audit.k8s.io/v1\nrules:\n- level: Metadata\n  users: [alice]\n');
    const report = JSON.parse(runCli(['stats', '--policy', narrow, '--output', 'json'], { input }).stdout) as { unmatched: Record<string, number> };
    expect(report.unmatched).toMatchObject({ level: 'None', decided: 2, dropped: 2, kept: 0 });
  });

  it('prints a table by default, with the rule criteria', () => {
    const r = runCli(['stats', '--policy', GCE], { input });
    expect(r.stdout.split('\n')[0]).toMatch(/^RULE\s+LEVEL\s+DECIDED\s+KEPT\s+DROPPED\s+INPUT\s+OUTPUT\s+SHARE\s+CRITERIA$/);
    expect(r.stdout).toMatch(/\n13\s+Metadata\s+1\s+1\s+0\s+.*100\.0%\s+resources=\[""/);
    expect(r.stdout).toContain('Top users by output bytes:');
  });
});

describe('Command: check-policy warnings', () => {
  it('warns about rules an earlier rule shadows, and still exits 0', () => {
    const p = join(tmp, 'shadow.yaml');
    writeFileSync(p, 'apiVersion: audit.k8s.io/v1\nrules:\n- level: Metadata\n- level: None\n  nonResourceURLs: ["/healthz*"]\n');
    const r = runCli(['check-policy', p]);
    expect([r.status, r.stdout]).toEqual([0, 'ok: 2 rules\n']);
    expect(r.stderr).toBe(`warning: ${p}: rule 1 can never match: rule 0 comes first and matches every request rule 1 would\n`);
  });
});

describe('Progress', () => {
  it('shows bytes, records and records/s on stderr when it is a terminal, then clears the line', () => {
    // util-linux `script` gives the CLI a pseudo-terminal; stdout goes to /dev/null inside it.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} filter --policy ${GCE} ${join(SAMPLES, 'clo-openshift-audit-in.ndjson')} > /dev/null`, '/dev/null']);
    const tty = r.stdout.toString('utf8');
    expect(tty).toMatch(/\r\x1b\[2K\d+\.\d MiB, \d+ records, \d+ records\/s/);
    expect(tty).toMatch(/\r\x1b\[2Kk8s-audit filter: read 100, kept 95, dropped 5, malformed 0/);
  });

  it('prints nothing but the summary when stderr is not a terminal', () => {
    const r = runCli(['filter', '--policy', GCE, join(SAMPLES, 'clo-openshift-audit-in.ndjson')]);
    expect(r.stderr).toBe('k8s-audit filter: read 100, kept 95, dropped 5, malformed 0\n');
  });
});

describe('Help', () => {
  it.each(['invoke', 'stats'])('%s --help shows usage and an example', (cmd) => {
    const r = runCli([cmd, '--help']);
    expect(r.stdout).toMatch(new RegExp(`^Usage: k8s-audit ${cmd}`));
    expect(r.stdout).toContain('Example');
  });

  it('the top-level help lists every command and the exit codes', () => {
    const r = runCli(['--help']);
    for (const cmd of ['invoke', 'filter', 'explain', 'stats', 'check-policy']) expect(r.stdout).toContain(`  ${cmd}`);
    expect(r.stdout).toContain('Exit codes: 0 ok; 1 usage or invalid policy; 2 input errors');
  });
});
