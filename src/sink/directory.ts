// The local default: objects as files under a directory mirroring bucket/key. Writes go to a temporary file,
// then rename, so a reader never sees half an object. Headers (storage class, encoding) have no place on a file
// system and are not kept: the extension says how the body is encoded.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { PutRequest, Sink } from './types';

export class DirectorySink implements Sink {
  readonly description: string;
  readonly #root: string;

  /** Files go to `<dir>/<bucket>/<key>` (bucket omitted when empty). */
  constructor(dir: string, bucket = '') {
    this.#root = resolve(dir, bucket);
    this.description = join(dir, bucket);
  }

  async put(request: PutRequest): Promise<void> {
    const path = resolve(this.#root, request.key);
    // Keys are sanitised where they are built; this is the last line of defence against ../ escapes.
    if (!path.startsWith(this.#root + sep)) throw new Error(`key escapes the output directory: ${request.key}`);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, request.body);
    await rename(tmp, path);
  }
}
