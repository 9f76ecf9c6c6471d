// Encoding an object's body: NDJSON, gzip-compressed by default. Node's gzip writes mtime 0 in the header, so
// the same lines always give the same bytes (a retried invocation writes an identical object).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export type Compression = 'gzip' | 'none';

export interface EncodedBody {
  readonly body: Buffer;
  readonly contentType: 'application/x-ndjson';
  readonly contentEncoding: 'gzip' | undefined;
  /** Uncompressed size. */
  readonly rawBytes: number;
}

export function extensionFor(compression: Compression): string {
  return compression === 'gzip' ? 'ndjson.gz' : 'ndjson';
}

export async function encodeLines(lines: readonly string[], compression: Compression): Promise<EncodedBody> {
  const raw = Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
  if (compression === 'none') return { body: raw, contentType: 'application/x-ndjson', contentEncoding: undefined, rawBytes: raw.length };
  return { body: await gzipAsync(raw), contentType: 'application/x-ndjson', contentEncoding: 'gzip', rawBytes: raw.length };
}
