// Encoding an object's body: NDJSON, gzip-compressed by default. Node's gzip writes mtime 0 in the header, so
// the same lines always give the same bytes (a retried invocation writes an identical object).
import { promisify } from 'node:util';
import { createGzip, gzip, type Gzip } from 'node:zlib';

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

/**
 * A body built line by line: compressed as it grows, so that a large object costs its compressed size in
 * memory, not its NDJSON size (the CLI's rolling objects). Same bytes as encodeLines for the same lines.
 */
export class StreamingBody {
  readonly #compression: Compression;
  readonly #gzip: Gzip | null;
  readonly #chunks: Buffer[] = [];
  #rawBytes = 0;

  constructor(compression: Compression) {
    this.#compression = compression;
    this.#gzip = compression === 'gzip' ? createGzip() : null;
    this.#gzip?.on('data', (c: Buffer) => this.#chunks.push(c));
  }

  /** Append a line; resolves when the compressor can take more (backpressure). */
  write(line: string): Promise<void> | undefined {
    const buf = Buffer.from(`${line}\n`, 'utf8');
    this.#rawBytes += buf.length;
    if (this.#gzip === null) { this.#chunks.push(buf); return undefined; }
    if (this.#gzip.write(buf)) return undefined;
    return new Promise((resolve) => this.#gzip!.once('drain', resolve));
  }

  async end(): Promise<EncodedBody> {
    if (this.#gzip !== null) {
      const done = new Promise<void>((resolve, reject) => { this.#gzip!.once('end', resolve); this.#gzip!.once('error', reject); });
      this.#gzip.end();
      await done;
    }
    const body = Buffer.concat(this.#chunks);
    return { body, contentType: 'application/x-ndjson', contentEncoding: this.#compression === 'gzip' ? 'gzip' : undefined, rawBytes: this.#rawBytes };
  }
}
