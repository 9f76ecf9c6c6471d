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
import { JsonSplitter, type JsonPiece } from './json-stream';

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
  const stream = input === '-' ? stdin : createReadStream(input, { highWaterMark: CHUNK });
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = toBuffer(first.value);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: CHUNK });
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

/** A first line longer than this is not waited for: the input is read as a (streamed) document. */
const DETECT_LIMIT = 16 << 20;
const CHUNK = 1 << 20;

/** The records of one input, in batches (one per chunk read), in input order. */
export async function* readRecords(source: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<InputRecord[]> {
  let mode: 'detect' | 'lines' | 'document' = 'detect';
  // Bytes read but not consumed: the head while detecting; the partial last line in lines mode. A list, so
  // that a long line costs one copy when its newline comes, not one per chunk.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let splitter: JsonSplitter | null = null;
  let endedEarly: string | null = null;
  const documentRecords = (pieces: JsonPiece[]): InputRecord[] => pieces.flatMap((p) => {
    if (p.container === 'items') return [parsedEvent(source, p.line, `items[${p.index}]`, p.text)];
    return parsedRecords(source, p.line, p.container === 'array' ? `[${p.index}]` : null, p.text, null);
  });
  const take = (): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return all;
  };

  const it = chunks[Symbol.asyncIterator]();
  for (;;) {
    let chunk: Buffer;
    try {
      const r = await it.next();
      if (r.done) break;
      chunk = r.value;
    } catch (err) {
      // A gzip file cut short (rotated while written): keep everything before the cut, and say where it was.
      if (!isZlibError(err)) throw err;
      endedEarly = `gzip data ends early: ${(err as Error).message}`;
      break;
    }
    if (mode === 'document') { yield documentRecords(splitter!.push(chunk)); continue; }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (mode === 'detect') {
      if (chunk.indexOf(10) === -1 && pendingBytes < DETECT_LIMIT) continue;
      const head = take();
      const decided = detect(head, false);
      if (decided === null) { pending.push(head); pendingBytes = head.length; continue; }
      mode = decided;
      const body = withoutBom(head);
      if (mode === 'document') {
        splitter = new JsonSplitter();
        // The head can be DETECT_LIMIT long: hand it over a chunk at a time, so that batches stay small.
        for (let at = 0; at < body.length; at += CHUNK) yield documentRecords(splitter.push(body.subarray(at, at + CHUNK)));
        continue;
      }
      pending.push(body);
      pendingBytes = body.length;
    } else if (chunk.indexOf(10) === -1) {
      continue;
    }
    const buf = take();
    const batch: InputRecord[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      lineRecords(source, line, buf, start, nl, batch);
      start = nl + 1;
    }
    if (start < buf.length) { pending.push(buf.subarray(start)); pendingBytes = buf.length - start; }
    if (batch.length > 0) yield batch;
  }
  const batch: InputRecord[] = [];
  if (mode === 'detect' && pendingBytes > 0) {
    const head = take();
    mode = detect(head, true)!;
    if (mode === 'document') splitter = new JsonSplitter();
    const body = withoutBom(head);
    pending.push(body);
    pendingBytes = body.length;
  }
  if (mode === 'document') {
    batch.push(...documentRecords(splitter!.push(take())));
    const { pieces, rest } = splitter!.end();
    batch.push(...documentRecords(pieces));
    if (rest !== null) batch.push({ kind: 'malformed', at: { source, line: rest.line, where: null }, reason: endedEarly ?? 'incomplete JSON value at end of input' });
    else if (endedEarly !== null) batch.push({ kind: 'malformed', at: { source, line: line + 1, where: null }, reason: endedEarly });
  } else {
    const tail = pendingBytes > 0 ? take() : null;
    if (endedEarly !== null) {
      batch.push({ kind: 'malformed', at: { source, line: line + 1, where: null }, reason: tail === null ? endedEarly : `incomplete last line: ${endedEarly}` });
    } else if (tail !== null) {
      lineRecords(source, line + 1, tail, 0, tail.length, batch);
    }
  }
  if (batch.length > 0) yield batch;
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function withoutBom(buf: Buffer): Buffer {
  return buf.subarray(0, 3).equals(BOM) ? buf.subarray(3) : buf;
}

/**
 * How to read an input, from its first bytes:
 *   - a top-level array is streamed element by element;
 *   - an object whose first line is a bare "{" (pretty-printed), or whose first line does not parse while the
 *     next line does not start a new object, is a document (streamed: top-level values, EventList items);
 *   - otherwise lines (NDJSON): a damaged first line is then one malformed record, not the end of the file;
 *   - anything else (not JSON) is read as lines, each one reported.
 * null: not enough bytes yet to tell.
 */
function detect(buf: Buffer, atEnd: boolean): 'lines' | 'document' | null {
  const b = withoutBom(buf);
  let i = skipSpace(b, 0);
  if (i === b.length) return atEnd ? 'lines' : null;
  if (b[i] === 0x5b /* [ */) return 'document';
  if (b[i] !== 0x7b /* { */) return 'lines';
  const nl = b.indexOf(10, i);
  if (nl === -1) return atEnd ? 'lines' : b.length >= DETECT_LIMIT ? 'document' : null;
  const first = b.toString('utf8', i, nl).trim();
  if (first === '{') return 'document';
  try {
    JSON.parse(first);
    return 'lines';
  } catch {
    i = skipSpace(b, nl + 1);
    if (i === b.length) return atEnd ? 'lines' : b.length >= DETECT_LIMIT ? 'document' : null;
    return b[i] === 0x7b ? 'lines' : 'document';
  }
}

function skipSpace(b: Buffer, from: number): number {
  let i = from;
  while (i < b.length && (b[i] === 32 || b[i] === 9 || b[i] === 10 || b[i] === 13)) i++;
  return i;
}

function lineRecords(source: string, line: number, buf: Buffer, start: number, end: number, out: InputRecord[]): void {
  if (end > start && buf[end - 1] === 13) end--; // CRLF
  if (end === start) return;
  const text = buf.toString('utf8', start, end);
  if (text.trim() === '') return;
  for (const r of parsedRecords(source, line, null, text, buf.subarray(start, end))) out.push(r);
}

function parsedEvent(source: string, line: number, where: string, text: string): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'malformed', at: { source, line, where }, reason: `invalid JSON: ${(err as Error).message}` };
  }
  return eventRecord({ source, line, where }, value, Buffer.byteLength(text, 'utf8'), null);
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
