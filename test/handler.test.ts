// The handler's own duties: configuration errors on every invocation, the IAM-token mode, the summary log line.
// The IAM-token upload goes to a local HTTP server that records what it receives (radosgw cannot check IAM
// tokens); uploads with static keys are proven against radosgw in test/integration.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler, resetContainer } from '../src/handler';
import { auditEntry, sampleEvents, triggerPayload } from './fixtures/trigger';

const saved = { ...process.env };
const payload = triggerPayload(sampleEvents('clo-misc-events.ndjson').map((e) => auditEntry(e)));
const KEEP_ALL = 'apiVersion: audit.k8s.io/v1\nrules:\n- level: RequestResponse\n';

interface Received { method: string; url: string; headers: IncomingHttpHeaders; bytes: number }
const received: Received[] = [];
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c: Buffer) => { bytes += c.length; });
  req.on('end', () => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers, bytes });
    res.writeHead(200, { etag: '"x"' }).end();
  });
});
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  resetContainer();
  received.length = 0;
  for (const k of ['BUCKET_NAME', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AUDIT_POLICY', 'AUDIT_POLICY_FILE', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE']) delete process.env[k];
});
afterEach(() => { process.env = { ...saved }; vi.restoreAllMocks(); });

describe('Function: handler', () => {
  it('fails every invocation with the same message when BUCKET_NAME is missing', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(handler(payload, {})).rejects.toThrow('BUCKET_NAME is not set');
    await expect(handler(payload, {})).rejects.toThrow('BUCKET_NAME is not set');
  });

  it('fails every invocation naming AUDIT_POLICY when the policy is invalid', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    Object.assign(process.env, { BUCKET_NAME: 'b', AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules: []\n' });
    await expect(handler(payload, {})).rejects.toThrow('AUDIT_POLICY: invalid audit policy: loaded illegal policy with 0 rules');
  });

  it('uploads with the invocation IAM token as Authorization: Bearer, when there are no static keys', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
    Object.assign(process.env, { BUCKET_NAME: 'audit-bucket', S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', AUDIT_POLICY: KEEP_ALL });
    const summary = await handler(payload, { requestId: 'r1', token: { access_token: 't1.secret-iam-token' }, getRemainingTimeInMillis: () => 30_000 });
    expect(received).toHaveLength(1);
    const put = received[0]!;
    expect(put.method).toBe('PUT');
    expect(put.url.split('?')[0]).toBe(`/audit-bucket/${summary.objects[0]!.key.split('/').map(encodeURIComponent).join('/')}`);
    expect(put.headers.authorization).toBe('Bearer t1.secret-iam-token');
    expect(put.headers['x-amz-storage-class']).toBe('COLD');
    expect(put.headers['content-encoding']).toBe('gzip');
    expect(put.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(put.bytes).toBe(summary.objects[0]!.bytes);
    // One JSON summary line, without the token.
    expect(logs).toHaveLength(1);
    const line = JSON.parse(logs[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'INFO', msg: 'batch stored', requestId: 'r1', entries: 4, kept: 4 });
    expect(logs[0]).not.toContain('secret-iam-token');
  });

  it('takes each invocation its own token', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    Object.assign(process.env, { BUCKET_NAME: 'b', S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', AUDIT_POLICY: KEEP_ALL });
    await handler(payload, { token: { access_token: 'first' } });
    await handler(payload, { token: { access_token: 'second' } });
    expect(received.map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer second']);
  });

  it('throws, naming the problem, when there is neither a token nor static keys', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    Object.assign(process.env, { BUCKET_NAME: 'b', S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', AUDIT_POLICY: KEEP_ALL });
    await expect(handler(payload, {})).rejects.toThrow(/no IAM token/);
    expect(received).toHaveLength(0);
  });
});

describe('Function: makeHandler — concurrent invocations', () => {
  it('gives each invocation its own IAM token, even when they overlap', async () => {
    const { makeHandler } = await import('../src/function-handler');
    const { readForwarderConfig } = await import('../src/config');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const seen: Array<string | undefined> = [];
    let tokenOf: () => string | undefined = () => undefined;
    const slowSink = {
      description: 'slow',
      async put() {
        await new Promise((r) => setTimeout(r, 20));
        seen.push(tokenOf());
      },
    };
    const run = makeHandler((_env, token) => {
      tokenOf = token;
      return { config: readForwarderConfig({ AUDIT_POLICY: KEEP_ALL }), sink: slowSink };
    });
    await Promise.all([run(payload, { token: { access_token: 'a' } }), run(payload, { token: { access_token: 'b' } })]);
    expect(seen.sort()).toEqual(['a', 'b']);
  });
});
