// A planned object, named, encoded and handed to a sink. The one path by which the function and the CLI's
// directory and S3 outputs write objects.
import { createHash } from 'node:crypto';
import type { Sink } from '../sink/types';
import { encodeLines, extensionFor, type Compression } from './encode';
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

export async function writeObject(sink: Sink, object: PlannedObject, o: WriteOptions): Promise<StoredObject> {
  const key = renderKey(o.template, {
    cluster: object.cluster,
    time: object.firstTime ?? o.fallbackTime,
    id: o.id,
    part: object.part,
    ext: extensionFor(o.compression),
  });
  const encoded = await encodeLines(object.lines, o.compression);
  const signal = o.signal?.(key);
  await sink.put({ key, body: encoded.body, contentType: encoded.contentType, contentEncoding: encoded.contentEncoding, storageClass: o.storageClass }, signal ? { signal } : {});
  return { key, kind: o.kind, events: object.lines.length, bytes: encoded.body.length };
}

/** A content-derived id (16 hex of SHA-256 of the lines): writing the same object again rewrites the same key. */
export function contentId(object: PlannedObject): string {
  const h = createHash('sha256');
  for (const line of object.lines) h.update(line).update('\n');
  return h.digest('hex').slice(0, 16);
}
