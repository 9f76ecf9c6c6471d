// Buffered writing to stdout or a file: pieces are gathered and written in large blocks, with backpressure,
// so that writing a line costs a push, not a syscall.
import type { Writable } from 'node:stream';

const BLOCK = 1 << 20;

export class BufferedWriter {
  readonly #out: Writable;
  #pieces: Buffer[] = [];
  #size = 0;
  #failed: Error | null = null;

  constructor(out: Writable) {
    this.#out = out;
    out.on('error', (err: Error) => { this.#failed ??= err; });
  }

  /** Queue bytes; resolves immediately unless a block had to be written and the stream is full. */
  write(piece: Buffer | string): Promise<void> | undefined {
    const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    this.#pieces.push(buf);
    this.#size += buf.length;
    return this.#size >= BLOCK ? this.flush() : undefined;
  }

  /** Write a line (a newline is appended); resolves like write. */
  line(piece: Buffer | string): Promise<void> | undefined {
    const first = this.write(piece);
    const second = this.write(NEWLINE);
    if (first === undefined) return second;
    return second === undefined ? first : first.then(() => second);
  }

  async flush(): Promise<void> {
    if (this.#failed) throw this.#failed;
    if (this.#size === 0) return;
    const block = this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#size);
    this.#pieces = [];
    this.#size = 0;
    if (!this.#out.write(block)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => { this.#out.off('error', onError); resolve(); };
        const onError = (err: Error): void => { this.#out.off('drain', onDrain); reject(err); };
        this.#out.once('drain', onDrain);
        this.#out.once('error', onError);
      });
    }
    if (this.#failed) throw this.#failed;
  }
}

const NEWLINE = Buffer.from('\n');
