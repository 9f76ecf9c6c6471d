// Routing trigger entries: audit, skipped or quarantined — every entry exactly once.
import { describe, expect, it } from 'vitest';
import { decodeTrigger } from '../../src/trigger/decode';
import { parseTime } from '../../src/trigger/payload';
import { auditEntry, legacyEntry, sampleEvents, textEntry, triggerPayload } from '../fixtures/trigger';

const event = sampleEvents('clo-misc-events.ndjson')[0]!;

describe('Function: decodeTrigger', () => {
  it('reads audit events from json_payload (Logging trigger) with the cluster and time of the entry', () => {
    const [m] = decodeTrigger(triggerPayload([auditEntry(event, 'catcluster')]));
    expect(m!.eventId).toBe('b4f1d1a0-0000-4000-8000-000000000001');
    expect(m!.entries[0]).toMatchObject({ kind: 'audit', source: { path: 'messages[0].details.messages[0]', clusterId: 'catcluster', time: Date.UTC(2024, 6, 2, 17, 1, 26, 370) } });
  });

  it('reads audit events from message (legacy Cloud Logs trigger)', () => {
    const [m] = decodeTrigger(triggerPayload([legacyEntry(event)], 'x', 'CloudLogsMessageBatch'));
    expect(m!.entries[0]).toMatchObject({ kind: 'audit', source: { clusterId: null, time: Date.UTC(2020, 8, 8, 11, 5, 10) } });
  });

  it.each([
    { name: 'an apiserver text line', entry: textEntry('I1129 10:00:00.000 1 controller.go:123] started'), reason: 'no audit event in json_payload or message' },
    { name: "the function's own JSON log line", entry: { resource: { type: 'serverless.function', id: 'f' }, message: '{"level":"INFO","msg":"batch stored"}', json_payload: { level: 'INFO', msg: 'batch stored' } }, reason: 'message is not an audit event' },
    { name: 'a core v1 Event from the events stream', entry: { json_payload: { kind: 'Event', apiVersion: 'v1', reason: 'Scheduled' } }, reason: 'no audit event in json_payload or message' },
    { name: 'an entry with nothing in it', entry: {}, reason: 'no audit event in json_payload or message' },
  ])('skips $name', ({ entry, reason }) => {
    const [m] = decodeTrigger(triggerPayload([entry]));
    expect(m!.entries[0]).toMatchObject({ kind: 'skipped', reason });
  });

  it.each([
    { name: 'an entry that is not an object', entry: 'oops', reason: 'log entry is not an object' },
    { name: 'an audit event without a stage', entry: auditEntry({ ...event, stage: undefined }), reason: 'json_payload: stage: missing' },
    { name: 'an audit event with a numeric verb', entry: auditEntry({ ...event, verb: 7 }), reason: 'json_payload: verb: expected a string, got 7' },
    { name: 'an audit event with groups as a string', entry: auditEntry({ ...event, user: { username: 'a', groups: 'g' } }), reason: 'json_payload: user.groups: expected a list of strings, got "g"' },
    { name: 'an audit kind that is not Event', entry: auditEntry({ ...event, kind: 'EventList' }), reason: 'json_payload: kind: expected "Event", got "EventList"' },
    { name: 'truncated audit JSON in message', entry: { message: '{"apiVersion":"audit.k8s.io/v1","kind":"Event","stage":"Resp' }, reason: /^message: invalid JSON: / },
  ])('quarantines $name, keeping the raw entry', ({ entry, reason }) => {
    const [m] = decodeTrigger(triggerPayload([entry]));
    const e = m!.entries[0]!;
    expect(e.kind).toBe('quarantined');
    if (e.kind !== 'quarantined') return;
    if (typeof reason === 'string') expect(e.reason).toBe(reason); else expect(e.reason).toMatch(reason);
    expect(e.raw).toEqual(entry);
  });

  it('quarantines a message without details.messages, and a payload without messages', () => {
    const broken = { messages: [{ event_metadata: { event_id: 'm1' } }] };
    expect(decodeTrigger(broken)[0]!.entries).toEqual([expect.objectContaining({ kind: 'quarantined', reason: 'messages[0].details.messages: missing or not a list' })]);
    expect(decodeTrigger({ hello: 1 })[0]!.entries).toEqual([expect.objectContaining({ kind: 'quarantined', reason: 'not a trigger payload: no messages[] list' })]);
  });

  it('keeps entry order and accounts for every entry', () => {
    const entries = [auditEntry(event), textEntry('x'), 'bad', auditEntry(event, 'other')];
    const kinds = decodeTrigger(triggerPayload(entries))[0]!.entries.map((e) => e.kind);
    expect(kinds).toEqual(['audit', 'skipped', 'quarantined', 'audit']);
  });
});

describe('Function: parseTime', () => {
  it.each([
    { value: '2021-09-02 18:29:17.118082213 +0000 UTC', ms: Date.UTC(2021, 8, 2, 18, 29, 17, 118) },
    { value: '2021-09-02 21:29:17 +0300 MSK', ms: Date.UTC(2021, 8, 2, 18, 29, 17) },
    { value: '2020-09-08T11:05:10Z', ms: Date.UTC(2020, 8, 8, 11, 5, 10) },
    { value: { seconds: 1630607359, nanos: 6794776 }, ms: 1630607359006 },
    { value: { seconds: '1630607359' }, ms: 1630607359000 },
    { value: 'yesterday', ms: null },
    { value: undefined, ms: null },
  ])('$value → $ms', ({ value, ms }) => {
    expect(parseTime(value)).toBe(ms);
  });
});
