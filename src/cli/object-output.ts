// The CLI's object outputs (--out DIR or s3://): events grouped by cluster into objects that roll at a size
// limit by the function's rule (batch/plan.ts startsNextPart), but encoded as they arrive, so memory follows the compressed
// size of the open objects, not the size of the input or of an object's NDJSON.
import { StreamingBody } from '../batch/encode';
import { startsNextPart, type PlannedRecord } from '../batch/plan';
import { ContentId, storeEncoded, type StoredObject, type WriteOptions } from '../batch/write-object';
import type { Sink } from '../sink/types';

interface Open {
  readonly part: number;
  readonly body: StreamingBody;
  readonly id: ContentId;
  events: number;
  bytes: number;
  first: number | null;
}

export class ObjectOutput {
  readonly #open = new Map<string, Open>();
  /** Parts stored so far, per cluster: the next object of a cluster is part n + 1. */
  readonly #parts = new Map<string, number>();
  readonly #sink: Sink;
  readonly #max: number;
  readonly #options: Omit<WriteOptions, 'id'>;
  readonly #onStored: (o: StoredObject) => void;

  constructor(sink: Sink, maxObjectBytes: number, options: Omit<WriteOptions, 'id'>, onStored: (o: StoredObject) => void) {
    this.#sink = sink;
    this.#max = maxObjectBytes;
    this.#options = options;
    this.#onStored = onStored;
  }

  async add(r: PlannedRecord): Promise<void> {
    let o = this.#open.get(r.cluster);
    if (o !== undefined && startsNextPart(o.bytes, o.events, r.bytes, this.#max)) {
      await this.#store(r.cluster, o);
      o = undefined;
    }
    if (o === undefined) {
      const part = (this.#parts.get(r.cluster) ?? 0) + 1;
      o = { part, body: new StreamingBody(this.#options.compression), id: new ContentId(), events: 0, bytes: 0, first: null };
      this.#open.set(r.cluster, o);
    }
    o.events++;
    o.bytes += r.bytes + 1;
    if (r.time !== null && (o.first === null || r.time < o.first)) o.first = r.time;
    o.id.add(r.line);
    await o.body.write(r.line);
  }

  /** Store every open object. */
  async finish(): Promise<void> {
    for (const [cluster, o] of [...this.#open]) await this.#store(cluster, o);
  }

  async #store(cluster: string, o: Open): Promise<void> {
    this.#open.delete(cluster);
    this.#parts.set(cluster, o.part);
    const encoded = await o.body.end();
    const stored = await storeEncoded(this.#sink, { cluster, part: o.part, firstTime: o.first, events: o.events }, encoded, { ...this.#options, id: o.id.digest() });
    this.#onStored(stored);
  }
}
