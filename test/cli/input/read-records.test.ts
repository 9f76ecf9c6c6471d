// Reading records: the same records whatever the chunking, and positions that point at the right line.
import { describe, expect, it } from 'vitest';
import { JsonSplitter } from '../../../src/cli/input/json-stream';
import { readRecords, type InputRecord } from '../../../src/cli/input/read-records';

const event = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', requestURI: '/api/v1/pods', verb: 'list', user: { username: 'ü{}"[]' }, ...extra });

async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function records(text: string, size: number): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const batch of readRecords('in', chunked(text, size))) out.push(...batch);
  return out;
}

function summary(rs: InputRecord[]): unknown[] {
  return rs.map((r) => (r.kind === 'event' ? ['event', r.at.line, r.at.where, r.event.auditID, r.raw?.toString('utf8') ?? null] : [r.kind, r.at.line, r.at.where, r.reason]));
}

const inputs = {
  ndjson: [event('a'), event('b')].map((e) => JSON.stringify(e)).join('\n') + '\n{broken\n',
  'pretty array': JSON.stringify([event('a'), 7, event('b', { note: 'x]},[' })], null, 2),
  'pretty EventList': JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event('a'), event('b')] }, null, 2),
  'two pretty events': `${JSON.stringify(event('a'), null, 2)}\n${JSON.stringify(event('b'), null, 2)}\n`,
  'truncated document': `${JSON.stringify(event('a'), null, 2)}\n{\n  "kind": "Event",\n`,
};

describe('Function: readRecords', () => {
  it.each(Object.entries(inputs).map(([name, text]) => ({ name, text })))('reads $name the same in 1-byte, 7-byte and whole chunks', async ({ text }) => {
    const whole = summary(await records(text, 1 << 20));
    expect(summary(await records(text, 1))).toEqual(whole);
    expect(summary(await records(text, 7))).toEqual(whole);
  });

  it('NDJSON: keeps raw bytes, counts lines, reports a broken line', async () => {
    expect(summary(await records(inputs.ndjson, 5))).toEqual([
      ['event', 1, null, 'a', JSON.stringify(event('a'))],
      ['event', 2, null, 'b', JSON.stringify(event('b'))],
      ['malformed', 3, null, expect.stringMatching(/^invalid JSON: /)],
    ]);
  });

  it('a pretty array: elements with their index and starting line; a non-object element is malformed', async () => {
    expect(summary(await records(inputs['pretty array'], 3))).toEqual([
      ['event', 2, '[0]', 'a', null],
      ['malformed', 14, '[1]', 'not an audit event: expected a JSON object, got 7'],
      ['event', 15, '[2]', 'b', null],
    ]);
  });

  it('an EventList: items streamed one by one, with their index and line', async () => {
    expect(summary(await records(inputs['pretty EventList'], 11)).map((r) => (r as unknown[]).slice(0, 4))).toEqual([['event', 5, 'items[0]', 'a'], ['event', 17, 'items[1]', 'b']]);
  });

  it('an EventList on one line, or with its kind after its items, is still read item by item', async () => {
    const oneLine = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event('a'), event('b')] });
    const kindLast = JSON.stringify({ items: [event('a'), event('b')], kind: 'EventList' }, null, 1);
    for (const text of [oneLine, kindLast]) {
      expect(summary(await records(text, 5)).map((r) => (r as unknown[])[3])).toEqual(['a', 'b']);
    }
  });

  it('a UTF-8 byte order mark does not change what is read', async () => {
    for (const text of [inputs.ndjson, inputs['pretty array']]) {
      expect(summary(await records(`\ufeff${text}`, 2))).toEqual(summary(await records(text, 2)));
    }
  });

  it('a damaged first NDJSON line is one malformed record, and the lines after it are read', async () => {
    const lines = [JSON.stringify(event('a')).slice(0, 40), JSON.stringify(event('b')), JSON.stringify(event('c'))].join('\n');
    expect(summary(await records(lines, 3)).map((r) => (r as unknown[]).slice(0, 2))).toEqual([['malformed', 1], ['event', 2], ['event', 3]]);
  });

  it('an incomplete value at the end is reported where it starts', async () => {
    const rs = await records(inputs['truncated document'], 4);
    expect(summary(rs).slice(-1)).toEqual([['malformed', 13, null, 'incomplete JSON value at end of input']]);
  });
});

describe('Class: JsonSplitter', () => {
  it('emits EventList items as they complete, before the list ends (flat memory on large lists)', () => {
    const s = new JsonSplitter();
    const text = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [event('a'), event('b'), event('c')] });
    const cut = text.indexOf('"auditID":"c"');
    const early = s.push(Buffer.from(text.slice(0, cut)));
    expect(early.map((p) => [p.container, p.index])).toEqual([['items', 0], ['items', 1]]);
    const late = [...s.push(Buffer.from(text.slice(cut))), ...s.end().pieces];
    expect(late.map((p) => (JSON.parse(p.text) as { auditID: string }).auditID)).toEqual(['c']);
    expect(s.end().rest).toBeNull();
  });

  it('ignores structure inside strings, escaped quotes included', () => {
    const s = new JsonSplitter();
    const pieces = [...s.push(Buffer.from('[{"a":"]\\"}{"},{"b":2}]')), ...s.end().pieces];
    expect(pieces.map((p) => JSON.parse(p.text) as unknown)).toEqual([{ a: ']"}{' }, { b: 2 }]);
  });
});
