// The built function (dist/index.js) and `k8s-audit filter --out s3://` against a real S3 server (radosgw,
// started by test/support/s3-server.ts), read back with the SDK.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEntry, legacyEntry, sampleEvents, textEntry, triggerPayload } from '../fixtures/trigger';
import { POLICIES, ROOT, runCli, SAMPLES } from '../support/cli';
import { createTestBucket, getObjectBytes, headObject, listKeys, s3TestEnv } from '../support/s3';

interface Summary { entries: number; kept: number; skipped: number; quarantined: number; dropped: { policy: number; stage: number }; objects: Array<{ key: string; kind: string; events: number; bytes: number }> }
interface Bundle { handler(event: unknown, context?: unknown): Promise<Summary>; resetContainer(): void }

const bundle = createRequire(__filename)(join(ROOT, 'dist/index.js')) as Bundle;
const GCE = join(POLICIES, 'gce-audit-policy.yaml');
const saved = { ...process.env };
const openshift = sampleEvents('clo-openshift-audit-in.ndjson');
const falco = sampleEvents('falco-k8s-audit-traces.ndjson');
const payload = triggerPayload([
  ...openshift.slice(0, 40).map((e) => auditEntry(e, 'cat1cluster')),
  ...falco.slice(0, 20).map((e) => auditEntry(e, 'cat2cluster')),
  textEntry('I1129 apiserver text'),
  auditEntry({ ...openshift[41]!, verb: 12 }, 'cat1cluster'),
  legacyEntry(falco[21]!),
], 'c0ffee00-0000-4000-8000-000000000001');

let bucket = '';
beforeAll(async () => {
  bucket = await createTestBucket('function');
});
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

/** Invoke the built handler with this environment, as a fresh container would. */
async function invoke(event: unknown, env: Record<string, string>): Promise<Summary> {
  const s3 = s3TestEnv();
  process.env = {
    ...saved,
    BUCKET_NAME: bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    CLUSTER_ID: 'fallback',
    ...env,
  };
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  bundle.resetContainer();
  return bundle.handler(event, { requestId: 'it', getRemainingTimeInMillis: () => 60_000 });
}

function ndjson(body: Buffer): unknown[] {
  return gunzipSync(body).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('Integration: dist/index.js handler → radosgw', () => {
  it('writes one COLD gzip NDJSON object per cluster, equal to `k8s-audit filter` for the same policy', async () => {
    const prefix = 'run1';
    const summary = await invoke(payload, { AUDIT_POLICY_FILE: GCE, KEY_TEMPLATE: `${prefix}/AUDIT/{cluster}/{yyyy}-{MM}-{dd}-{HH}:{mm}:{ss}-{id}.{ext}`, QUARANTINE_KEY_TEMPLATE: `${prefix}/Q/{cluster}/{id}.{ext}` });
    expect(summary.kept + summary.dropped.policy + summary.dropped.stage + summary.skipped + summary.quarantined).toBe(summary.entries);
    expect([summary.skipped, summary.quarantined]).toEqual([1, 1]);

    const keys = await listKeys(bucket, `${prefix}/`);
    expect(keys).toEqual(summary.objects.map((o) => o.key).sort());
    const events = summary.objects.filter((o) => o.kind === 'events');
    expect(events.map((o) => o.key.split('/')[2])).toEqual(['cat1cluster', 'cat2cluster', 'fallback']);
    for (const o of summary.objects) {
      expect(o.key).toMatch(/\.ndjson\.gz$/);
      const head = await headObject(bucket, o.key);
      expect(head).toMatchObject({ StorageClass: 'COLD', ContentType: 'application/x-ndjson', ContentEncoding: 'gzip', ContentLength: o.bytes });
    }

    // The same events through the CLI, per cluster, must be what the function stored.
    const body = async (cluster: string): Promise<unknown[]> => ndjson(await getObjectBytes(bucket, events.find((o) => o.key.split('/')[2] === cluster)!.key));
    const viaCli = (events: Array<Record<string, unknown>>): unknown[] => runCli(['filter', '--policy', GCE], {
      input: events.map((e) => JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Event', ...e })).join('\n'),
    }).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(await body('cat1cluster')).toEqual(viaCli(openshift.slice(0, 40)));
    expect(await body('cat2cluster')).toEqual(viaCli(falco.slice(0, 20)));

    const quarantine = summary.objects.find((o) => o.kind === 'quarantine')!;
    const [record] = ndjson(await getObjectBytes(bucket, quarantine.key)) as Array<{ reason: string; path: string }>;
    expect(record).toMatchObject({ reason: 'json_payload: verb: expected a string, got 12', path: 'messages[0].details.messages[61]' });
  });

  it('writes no object when the policy keeps nothing', async () => {
    const summary = await invoke(payload, { AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: None\n', KEY_TEMPLATE: 'run2/{id}.{ext}', QUARANTINE_KEY_TEMPLATE: 'run2q/{id}.{ext}' });
    expect(summary.kept).toBe(0);
    expect(await listKeys(bucket, 'run2/')).toEqual([]);
  });

  it('leaves the same set of objects, byte for byte, when the same invocation runs twice', async () => {
    const env = { KEY_TEMPLATE: 'run3/{cluster}/{yyyy}{MM}{dd}-{id}.{ext}', QUARANTINE_KEY_TEMPLATE: 'run3/q/{id}.{ext}' };
    await invoke(payload, env);
    const first = await listKeys(bucket, 'run3/');
    const bodies = await Promise.all(first.map((k) => getObjectBytes(bucket, k)));
    await invoke(payload, env);
    expect(await listKeys(bucket, 'run3/')).toEqual(first);
    const again = await Promise.all(first.map((k) => getObjectBytes(bucket, k)));
    again.forEach((b, i) => expect(b.equals(bodies[i]!)).toBe(true));
  });

  it('throws when the secret is wrong, so the trigger retries', async () => {
    await expect(invoke(payload, { AWS_SECRET_ACCESS_KEY: 'wrong-secret', KEY_TEMPLATE: 'run4/{id}.{ext}' })).rejects.toThrow(/cannot store s3:\/\/.*\/run4\/.*(SignatureDoesNotMatch|HTTP 403)/);
    expect(await listKeys(bucket, 'run4/')).toEqual([]);
  });

  it('throws when the bucket does not exist', async () => {
    await expect(invoke(payload, { BUCKET_NAME: `missing-${bucket}`.slice(0, 63) })).rejects.toThrow(/NoSuchBucket|HTTP 404/);
  });
});

describe('Integration: k8s-audit filter --out s3:// → radosgw', () => {
  it('uploads the filtered events under the prefix, and a re-run rewrites the same keys', async () => {
    const s3 = s3TestEnv();
    const env = { S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
    const input = join(SAMPLES, 'clo-openshift-audit-in.ndjson');
    const args = ['filter', '--policy', GCE, '--out', `s3://${bucket}/backfill/2024`, '--cluster', 'c9', '--max-object-bytes', '60000', input];
    const r = runCli(args, { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const keys = await listKeys(bucket, 'backfill/2024/');
    expect(keys.length).toBeGreaterThan(1);
    expect(keys.every((k) => k.startsWith('backfill/2024/AUDIT/c9/'))).toBe(true);
    const stored = (await Promise.all(keys.map((k) => getObjectBytes(bucket, k)))).flatMap(ndjson);
    const expected = runCli(['filter', '--policy', GCE, input]).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(stored.length).toBe(expected.length);
    expect(new Set(stored.map((e) => JSON.stringify(e)))).toEqual(new Set(expected.map((e) => JSON.stringify(e))));
    expect((await headObject(bucket, keys[0]!)).StorageClass).toBe('COLD');
    // The Node-version warning of the SDK stays off stdout (and is silenced on stderr).
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');

    runCli(args, { env });
    expect(await listKeys(bucket, 'backfill/2024/')).toEqual(keys);
  });

  it('fails with exit 3 when the upload is refused', () => {
    const s3 = s3TestEnv();
    const r = runCli(['filter', '--policy', GCE, '--out', `s3://${bucket}/x`, join(ROOT, 'examples/trigger-event.json')], {
      env: { S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: 'wrong-secret-xyz' },
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/cannot store s3:\/\//);
    expect(r.stderr).not.toContain('wrong-secret-xyz');
  });
});
