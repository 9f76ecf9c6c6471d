// Grouping serialized records into objects: one object per cluster, rolled into numbered parts when its NDJSON
// would exceed maxObjectBytes. Order is kept, and the split depends only on the records, so a retry plans the
// same objects. The function plans one trigger message at a time; the CLI rolls over a whole run.

export interface PlannedRecord {
  readonly cluster: string;
  readonly line: string;
  readonly bytes: number;
  /** Event time (ms), or null when the record has none. */
  readonly time: number | null;
}

export interface PlannedObject {
  readonly cluster: string;
  /** From 1, per cluster. */
  readonly part: number;
  readonly lines: readonly string[];
  /** Uncompressed NDJSON size. */
  readonly bytes: number;
  /** Earliest record time, or null when no record had one. */
  readonly firstTime: number | null;
}

interface Open {
  lines: string[];
  bytes: number;
  first: number | null;
  part: number;
}

export class ObjectRoller {
  readonly #max: number;
  readonly #open = new Map<string, Open>();

  constructor(maxObjectBytes: number) {
    this.#max = maxObjectBytes;
  }

  /** Add a record; returns the object it completed, if adding it would have crossed the size limit. */
  add(r: PlannedRecord): PlannedObject | null {
    let o = this.#open.get(r.cluster);
    if (o === undefined) {
      o = { lines: [], bytes: 0, first: null, part: 1 };
      this.#open.set(r.cluster, o);
    }
    let done: PlannedObject | null = null;
    // A single record larger than the limit still gets an object of its own: nothing is dropped.
    if (o.lines.length > 0 && o.bytes + r.bytes + 1 > this.#max) {
      done = { cluster: r.cluster, part: o.part, lines: o.lines, bytes: o.bytes, firstTime: o.first };
      Object.assign(o, { lines: [], bytes: 0, first: null, part: o.part + 1 });
    }
    o.lines.push(r.line);
    o.bytes += r.bytes + 1;
    if (r.time !== null && (o.first === null || r.time < o.first)) o.first = r.time;
    return done;
  }

  /** The objects still open, in order of their clusters' first records; the roller is empty afterwards. */
  flush(): PlannedObject[] {
    const out: PlannedObject[] = [];
    for (const [cluster, o] of this.#open) {
      if (o.lines.length > 0) out.push({ cluster, part: o.part, lines: o.lines, bytes: o.bytes, firstTime: o.first });
    }
    this.#open.clear();
    return out;
  }
}

export function planObjects(records: readonly PlannedRecord[], maxObjectBytes: number): PlannedObject[] {
  const roller = new ObjectRoller(maxObjectBytes);
  const done = records.map((r) => roller.add(r)).filter((o): o is PlannedObject => o !== null);
  return [...done, ...roller.flush()];
}
