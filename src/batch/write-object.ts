// A planned object, named, encoded and handed to a sink. The one path by which the function and the CLI's
// directory and S3 outputs write objects.
import { createHash } from 'node:crypto';
import type { Sink } from '../sink/types';
import { encodeLines, extensionFor, type Compression, type EncodedBody } from './encode';
import { renderKey, type KeyTemplate } from './key-template';
import type { PlannedObject } from './plan';

export interface StoredObject {
  readonly key: string;
  readonly kind: 'events' | 'quarantine';
  readonly events: number;
  /** Stored (possibly compressed) bytes. */
  readonly bytes: number;
}

export interface WriteOptions {
  readonly kind: StoredObject['kind'];
  readonly template: KeyTemplate;
  /** The {id} of the key. */
  readonly id: string;
  /** Key time when no record of the object has one. */
  readonly fallbackTime: number;
  readonly compression: Compression;
  readonly storageClass: string;
  /** Called before the upload starts; its signal aborts the upload (the function's deadline). */
  readonly signal?: (key: string) => AbortSignal | undefined;
}

/** What names an object besides the template: its cluster, part, earliest event time and size in events. */
export interface ObjectHeader {
  readonly cluster: string;
  readonly part: number;
  readonly firstTime: number | null;
  readonly events: number;
}

export async function writeObject(sink: Sink, object: PlannedObject, o: WriteOptions): Promise<StoredObject> {
  return storeEncoded(sink, { ...object, events: object.lines.length }, await encodeLines(object.lines, o.compression), o);
}

/** Name an already encoded body and put it. */
export async function storeEncoded(sink: Sink, header: ObjectHeader, encoded: EncodedBody, o: WriteOptions): Promise<StoredObject> {
  const key = renderKey(o.template, {
    cluster: header.cluster,
    time: header.firstTime ?? o.fallbackTime,
    id: o.id,
    part: header.part,
    ext: extensionFor(o.compression),
  });
  const signal = o.signal?.(key);
  await sink.put({ key, body: encoded.body, contentType: encoded.contentType, contentEncoding: encoded.contentEncoding, storageClass: o.storageClass }, signal ? { signal } : {});
  return { key, kind: o.kind, events: header.events, bytes: encoded.body.length };
}

/**
 * A content-derived id, 16 hex of SHA-256 of the NDJSON: writing the same object again rewrites the same key.
 * Fed line by line, so that streamed objects get it without keeping their lines.
 */
export class ContentId {
  readonly #hash = createHash('sha256');

  add(line: string): void {
    this.#hash.update(line).update('\n');
  }

  digest(): string {
    return this.#hash.digest('hex').slice(0, 16);
  }
}
