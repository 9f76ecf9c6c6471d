// Progress on stderr for long runs, only when stderr is a terminal: piped or redirected runs stay silent.
import type { InputCounts } from './common';

const EVERY_MS = 250;

export class Progress {
  readonly #out: NodeJS.WritableStream;
  readonly #enabled: boolean;
  readonly #started = Date.now();
  #last = 0;
  #shown = false;

  constructor(stderr: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.#out = stderr;
    this.#enabled = stderr.isTTY === true;
  }

  update(counts: InputCounts): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < EVERY_MS) return;
    this.#last = now;
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const mib = counts.bytes / 1024 / 1024;
    this.#out.write(`\r\x1b[2K${mib.toFixed(1)} MiB, ${counts.read} records, ${Math.round(counts.read / seconds)} records/s`);
    this.#shown = true;
  }

  done(): void {
    if (this.#shown) this.#out.write('\r\x1b[2K');
  }
}
