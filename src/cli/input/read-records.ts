// Reading audit records from files, directories and stdin, detecting the format by content:
// NDJSON of events; a JSON array of events; an EventList (items may lack kind/apiVersion, as webhook batches do);
// a single event; a Cloud Logging trigger payload (decoded exactly as the function decodes it); any of these
// gzip-compressed. NDJSON is split on newlines and parsed line by line (the fast path); other documents go
// through a streaming splitter, so a top-level array of any size is read with flat memory.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { checkAuditEvent } from '../../event/check';
import { stringifyJson } from '../../json';
import type { AuditEvent } from '../../event/types';
import { decodeTrigger } from '../../trigger/decode';
import { isTriggerPayload } from '../../trigger/payload';
import { JsonSplitter } from './json-stream';

export interface RecordLocation {
  readonly source: string;
  readonly line: number;
  /** Position inside the document: `[3]`, `items[3]`, `messages[0].details.messages[2]`; null for a whole line. */
  readonly where: string | null;
}

export type InputRecord =
  | {
    readonly kind: 'event'; readonly at: RecordLocation; readonly event: AuditEvent;
    /** The exact input bytes of the event when it was a whole NDJSON line; null otherwise. */
    readonly raw: Buffer | null;
    /** Input bytes attributed to this event (its line, or its JSON text). */
    readonly bytes: number;
    /** Cluster id from a trigger entry's resource, when there was one. */
    readonly clusterId: string | null;
  }
  | { readonly kind: 'malformed'; readonly at: RecordLocation; readonly reason: string }
  | { readonly kind: 'skipped'; readonly at: RecordLocation; readonly reason: string };

/** `FILE:LINE: reason` (with the position inside a document when there is one). */
export function formatLocation(at: RecordLocation): string {
  return at.where === null ? `${at.source}:${at.line}` : `${at.source}:${at.line}: ${at.where}`;
}

/** Expand the command line's inputs: files as given, directories recursively in sorted order, `-` for stdin. */
export function expandInputs(inputs: readonly string[]): string[] {
  if (inputs.length === 0) return ['-'];
  return inputs.flatMap((input) => (input !== '-' && statSync(input).isDirectory() ? listFiles(input) : [input]));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : []));
}

/** Byte chunks of one input, gunzipped when it starts with the gzip magic bytes. */
export async function* inputChunks(input: string, stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<Buffer> {
  const stream = input === '-' ? stdin : createReadStream(input, { highWaterMark: 1 << 20 });
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = toBuffer(first.value);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    const feed = (async () => {
      try {
        for (let r: IteratorResult<Buffer | string> = first; !r.done; r = await it.next()) {
          if (!gunzip.write(toBuffer(r.value))) await new Promise((res) => gunzip.once('drain', res));
        }
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    for await (const chunk of gunzip) yield chunk as Buffer;
    await feed;
    return;
  }
  yield head;
  for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** The records of one input, in batches (one per chunk read), in input order. */
export async function* readRecords(source: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<InputRecord[]> {
  let mode: 'detect' | 'lines' | 'document' = 'detect';
  let carry: Buffer = Buffer.alloc(0);
  let line = 0;
  let splitter: JsonSplitter | null = null;
  const documentRecords = (pieces: ReturnType<JsonSplitter['push']>): InputRecord[] =>
    pieces.flatMap((p) => parsedRecords(source, p.line, p.index === null ? null : `[${p.index}]`, p.text, null));

  for await (const chunk of chunks) {
    if (mode === 'document') { yield documentRecords(splitter!.push(chunk)); continue; }
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (mode === 'detect') {
      const decided = detect(buf, false);
      if (decided === null) { carry = buf; continue; }
      mode = decided;
      if (mode === 'document') { splitter = new JsonSplitter(); carry = Buffer.alloc(0); yield documentRecords(splitter.push(buf)); continue; }
    }
    const batch: InputRecord[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      lineRecords(source, line, buf, start, nl, batch);
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : Buffer.alloc(0);
    if (batch.length > 0) yield batch;
  }
  if (mode === 'detect' && carry.length > 0) mode = detect(carry, true)!;
  if (mode === 'document') {
    splitter ??= new JsonSplitter();
    const batch = documentRecords(splitter.push(carry)); // carry is empty once a splitter exists
    const { pieces, rest } = splitter.end();
    batch.push(...documentRecords(pieces));
    if (rest !== null) batch.push({ kind: 'malformed', at: { source, line: rest.line, where: null }, reason: 'incomplete JSON value at end of input' });
    yield batch;
  } else if (carry.length > 0) {
    const batch: InputRecord[] = [];
    lineRecords(source, line + 1, carry, 0, carry.length, batch);
    yield batch;
  }
}

/**
 * A top-level array is always streamed element by element. An object is NDJSON when the first non-blank line is
 * a complete JSON value, else a (pretty-printed) document. Anything else is read as lines (each one malformed).
 * null: not enough bytes yet to tell.
 */
function detect(buf: Buffer, atEnd: boolean): 'lines' | 'document' | null {
  let i = 0;
  while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 10 || buf[i] === 13)) i++;
  if (i === buf.length) return atEnd ? 'lines' : null;
  if (buf[i] === 0x5b /* [ */) return 'document';
  if (buf[i] !== 0x7b /* { */) return 'lines'; // not JSON at all: every line is reported on its own
  const nl = buf.indexOf(10, i);
  if (nl === -1 && !atEnd) return null;
  try {
    JSON.parse(buf.toString('utf8', i, nl === -1 ? buf.length : nl));
    return 'lines';
  } catch {
    return 'document';
  }
}

function lineRecords(source: string, line: number, buf: Buffer, start: number, end: number, out: InputRecord[]): void {
  if (end > start && buf[end - 1] === 13) end--; // CRLF
  if (end === start) return;
  const text = buf.toString('utf8', start, end);
  if (text.trim() === '') return;
  for (const r of parsedRecords(source, line, null, text, buf.subarray(start, end))) out.push(r);
}

function parsedRecords(source: string, line: number, where: string | null, text: string, raw: Buffer | null): InputRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return [{ kind: 'malformed', at: { source, line, where }, reason: `invalid JSON: ${(err as Error).message}` }];
  }
  return valueRecords(source, line, where, value, raw !== null ? raw.length : Buffer.byteLength(text, 'utf8'), raw);
}

function valueRecords(source: string, line: number, where: string | null, value: unknown, bytes: number, raw: Buffer | null): InputRecord[] {
  const at = (name: string | null): RecordLocation => ({ source, line, where: name === null ? where : child(where, name) });
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => valueRecords(source, line, child(where, `[${i}]`), v, jsonBytes(v), null));
  }
  if (isTriggerPayload(value)) {
    return decodeTrigger(value).flatMap((m) => m.entries.map((e): InputRecord => {
      if (e.kind === 'audit') return { kind: 'event', at: at(e.source.path), event: e.event, raw: null, bytes: jsonBytes(e.event), clusterId: e.source.clusterId };
      if (e.kind === 'skipped') return { kind: 'skipped', at: at(e.source.path), reason: e.reason };
      return { kind: 'malformed', at: at(e.source.path), reason: e.reason };
    }));
  }
  if (isEventList(value)) {
    return value.items.map((item, i) => eventRecord(at(`items[${i}]`), item, jsonBytes(item), null));
  }
  return [eventRecord(at(null), value, bytes, raw)];
}

/** A position inside a position: `items[3]` inside `[2]` is `[2].items[3]`. */
function child(where: string | null, name: string): string {
  if (where === null) return name;
  return name.startsWith('[') ? `${where}${name}` : `${where}.${name}`;
}

function eventRecord(at: RecordLocation, value: unknown, bytes: number, raw: Buffer | null): InputRecord {
  const checked = checkAuditEvent(value);
  if (!checked.ok) return { kind: 'malformed', at, reason: checked.reason };
  return { kind: 'event', at, event: checked.event, raw, bytes, clusterId: null };
}

function isEventList(value: unknown): value is { items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'EventList' && Array.isArray(v.items);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(stringifyJson(value) ?? '', 'utf8');
}
