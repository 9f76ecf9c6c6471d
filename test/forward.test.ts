// The pipeline with an in-memory sink: accounting, grouping, keys, idempotency, encoding, failure.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readForwarderConfig } from '../src/config';
import { StorageWriteError } from '../src/errors';
import { forwardTrigger, type BatchSummary } from '../src/forward';
import { loadPolicy } from '../src/policy/load';
import { MemorySink } from '../src/sink/memory';
import { auditEntry, legacyEntry, sampleEvents, textEntry, triggerPayload } from './fixtures/trigger';

const openshift = sampleEvents('clo-openshift-audit-in.ndjson');
const falco = sampleEvents('falco-k8s-audit-traces.ndjson');
const derived = sampleEvents('derived/synthetic-stages-managedfields.ndjson');

const KEEP_ALL = 'apiVersion: audit.k8s.io/v1\nrules:\n- level: RequestResponse\n';

/** Keep-everything policy unless a test sets its own: these tests are about the pipeline, not the policy. */
function config(env: Record<string, string> = {}) {
  return readForwarderConfig({ CLUSTER_ID: 'fallback-cluster', AUDIT_POLICY: KEEP_ALL, ...env });
}

async function run(payload: unknown, env: Record<string, string> = {}, sink = new MemorySink()): Promise<{ summary: BatchSummary; sink: MemorySink }> {
  const summary = await forwardTrigger(payload, { config: config(env), sink, newId: () => 'random-id', now: () => Date.UTC(2030, 0, 1) });
  return { summary, sink };
}

function linesOf(sink: MemorySink, key: string): Array<Record<string, unknown>> {
  const put = sink.objects.get(key)!;
  const text = (put.contentEncoding === 'gzip' ? gunzipSync(put.body) : put.body).toString('utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function accounted(s: BatchSummary): number {
  return s.kept + s.dropped.policy + s.dropped.stage + s.skipped + s.quarantined;
}

const fixtures = {
  'OpenShift events': triggerPayload(openshift.map((e) => auditEntry(e))),
  'falco events (no apiVersion, v1beta1)': triggerPayload(falco.map((e) => auditEntry(e))),
  'stages and managedFields': triggerPayload(derived.map((e) => auditEntry(e))),
  'a mixed batch': triggerPayload([auditEntry(openshift[0]!), textEntry('I1129 text'), 'garbage', auditEntry({ ...openshift[1]!, stage: 7 }), legacyEntry(falco[0]!)]),
  'two clusters': triggerPayload([auditEntry(openshift[0]!, 'c1'), auditEntry(openshift[1]!, 'c2')]),
  'an empty batch': triggerPayload([]),
  'not a payload at all': { nothing: true },
};

describe('Function: forwardTrigger — accounting', () => {
  it.each(Object.entries(fixtures).map(([name, payload]) => ({ name, payload })))('accounts for every entry of $name', async ({ payload }) => {
    const { summary, sink } = await run(payload);
    expect(accounted(summary)).toBe(summary.entries);
    const storedEvents = summary.objects.filter((o) => o.kind === 'events').reduce((n, o) => n + o.events, 0);
    const storedQuarantine = summary.objects.filter((o) => o.kind === 'quarantine').reduce((n, o) => n + o.events, 0);
    expect([storedEvents, storedQuarantine]).toEqual([summary.kept, summary.quarantined]);
    expect(sink.objects.size).toBe(summary.objects.length);
  });

  it('counts a mixed batch precisely', async () => {
    const { summary } = await run(fixtures['a mixed batch']);
    expect(summary).toMatchObject({ messages: 1, entries: 5, audit: 2, kept: 2, skipped: 1, quarantined: 2, truncated: 0 });
  });

  it('separates drops by level None from drops by omitted stage', async () => {
    const policy = "AUDIT_POLICY";
    const { summary } = await run(fixtures['stages and managedFields'], { [policy]: 'apiVersion: audit.k8s.io/v1\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n' });
    expect(summary.dropped).toEqual({ policy: 0, stage: 1 });
    const { summary: none } = await run(fixtures['stages and managedFields'], { [policy]: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: None\n' });
    expect(none.dropped).toEqual({ policy: 2, stage: 0 });
    expect(none.objects).toEqual([]);
  });
});

describe('Function: forwardTrigger — objects and keys', () => {
  it('writes one object per cluster, named from the earliest event time, COLD, gzip NDJSON', async () => {
    const { summary, sink } = await run(fixtures['two clusters']);
    const stamp = (e: Record<string, unknown>): string => (e.stageTimestamp as string).slice(0, 19).replace('T', '-');
    expect(summary.objects.map((o) => o.key)).toEqual([
      expect.stringMatching(new RegExp(`^AUDIT/c1/${stamp(openshift[0]!)}-[0-9a-f]{16}\\.ndjson\\.gz$`)),
      expect.stringMatching(new RegExp(`^AUDIT/c2/${stamp(openshift[1]!)}-[0-9a-f]{16}\\.ndjson\\.gz$`)),
    ]);
    const put = sink.objects.get(summary.objects[0]!.key)!;
    expect([put.storageClass, put.contentType, put.contentEncoding]).toEqual(['COLD', 'application/x-ndjson', 'gzip']);
  });

  it('uses CLUSTER_ID for entries without a k8s.cluster resource', async () => {
    const { summary } = await run(triggerPayload([legacyEntry(falco[0]!)], 'm'));
    expect(summary.objects[0]!.key).toMatch(/^AUDIT\/fallback-cluster\//);
  });

  it('stores what the policy keeps, reduced, in input order', async () => {
    const { summary, sink } = await run(fixtures['OpenShift events'], { AUDIT_POLICY: '', AUDIT_POLICY_FILE: 'test/fixtures/data/policies/gce-audit-policy.yaml' });
    const stored = linesOf(sink, summary.objects[0]!.key);
    const policy = loadPolicy((await import('node:fs')).readFileSync('test/fixtures/data/policies/gce-audit-policy.yaml', 'utf8'));
    const expected = openshift.map((e) => policy.apply({ apiVersion: 'audit.k8s.io/v1', kind: 'Event', ...e } as never)).filter((e) => e !== null);
    expect(stored).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('writes nothing when nothing is kept', async () => {
    const { summary, sink } = await run(fixtures['OpenShift events'], { AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: None\n' });
    expect([summary.objects, sink.puts]).toEqual([[], 0]);
  });

  it('splits into parts at MAX_OBJECT_BYTES, each with its own key', async () => {
    const { summary, sink } = await run(fixtures['OpenShift events'], { MAX_OBJECT_BYTES: '100000', AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: RequestResponse\n' });
    expect(summary.objects.length).toBeGreaterThan(3);
    expect(new Set(summary.objects.map((o) => o.key)).size).toBe(summary.objects.length);
    const total = summary.objects.reduce((n, o) => n + linesOf(sink, o.key).length, 0);
    expect(total).toBe(summary.kept);
  });

  it('writes plain NDJSON with COMPRESSION=none', async () => {
    const { summary, sink } = await run(fixtures['two clusters'], { COMPRESSION: 'none' });
    const put = sink.objects.get(summary.objects[0]!.key)!;
    expect(summary.objects[0]!.key).toMatch(/\.ndjson$/);
    expect(put.contentEncoding).toBeUndefined();
    expect(put.body.toString('utf8').endsWith('\n')).toBe(true);
  });

  it('truncates over-size events and counts them', async () => {
    const { summary, sink } = await run(fixtures['OpenShift events'], { MAX_EVENT_BYTES: '102400', AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: RequestResponse\n' });
    expect(summary.truncated).toBe(2); // the two 220 KB events of the sample
    const truncated = linesOf(sink, summary.objects[0]!.key).filter((e) => (e.annotations as Record<string, string> | undefined)?.['audit.k8s.io/truncated'] === 'true');
    expect(truncated).toHaveLength(2);
  });

  it('quarantines malformed entries with the reason and the raw entry under QUARANTINE/, by cluster', async () => {
    const { summary, sink } = await run(fixtures['a mixed batch']);
    const q = summary.objects.filter((o) => o.kind === 'quarantine');
    // 'garbage' has no resource, so it goes to CLUSTER_ID; the bad event came from cat0cluster1.
    expect(q.map((o) => o.key)).toEqual([expect.stringMatching(/^QUARANTINE\/fallback-cluster\//), expect.stringMatching(/^QUARANTINE\/cat0cluster1\//)]);
    const records = q.flatMap((o) => linesOf(sink, o.key));
    expect(records.map((r) => [r.reason, r.path])).toEqual([
      ['log entry is not an object', 'messages[0].details.messages[2]'],
      ['json_payload: stage: expected one of RequestReceived, ResponseStarted, ResponseComplete, Panic, got 7', 'messages[0].details.messages[3]'],
    ]);
    expect(records[0]!.entry).toBe('garbage');
  });
});

describe('Function: forwardTrigger — retries', () => {
  it('rewrites the same keys with the same bytes when the same payload comes again', async () => {
    const sink = new MemorySink();
    const first = await run(fixtures['a mixed batch'], {}, sink);
    const bodies = new Map([...sink.objects].map(([k, v]) => [k, v.body]));
    const second = await run(fixtures['a mixed batch'], {}, sink);
    expect(second.summary.objects).toEqual(first.summary.objects);
    expect(sink.objects.size).toBe(bodies.size);
    for (const [k, v] of sink.objects) expect(v.body.equals(bodies.get(k)!)).toBe(true);
  });

  it('falls back to a random id when the message has no event_id', async () => {
    const { summary } = await run(triggerPayload([auditEntry(openshift[0]!)], null));
    expect(summary.objects).toHaveLength(1);
    const again = await run(triggerPayload([auditEntry(openshift[0]!)], 'some-event-id'));
    expect(again.summary.objects[0]!.key).not.toBe(summary.objects[0]!.key);
  });

  it('throws StorageWriteError when the sink fails, so the trigger retries', async () => {
    const sink = new MemorySink();
    sink.failWith = new Error('503 Slow Down');
    await expect(run(fixtures['two clusters'], {}, sink)).rejects.toThrow('503 Slow Down');
  });

  it('throws before uploading when the invocation has no time left', async () => {
    const sink = new MemorySink();
    const p = forwardTrigger(fixtures['two clusters'], { config: config(), sink, remainingMs: () => 500 });
    await expect(p).rejects.toBeInstanceOf(StorageWriteError);
    expect(sink.puts).toBe(0);
  });
});

describe('Function: forwardTrigger — hostile nesting', () => {
  it('stores an event whose patch body is nested 20,000 levels deep, bodies and all', async () => {
    const deep = JSON.parse(`${'{"a":['.repeat(20_000)}1${']}'.repeat(20_000)}`) as unknown;
    const event = { ...openshift[0]!, verb: 'patch', requestObject: deep };
    const { summary, sink } = await run(triggerPayload([auditEntry(event), auditEntry(openshift[1]!)]));
    expect(summary).toMatchObject({ kept: 2, quarantined: 0, truncated: 0 });
    const text = gunzipSync(sink.objects.get(summary.objects[0]!.key)!.body).toString('utf8');
    expect(text).toContain('{"a":['.repeat(20_000));
  });
});
