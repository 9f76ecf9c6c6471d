// Grouping serialized records into objects: one object per cluster, rolled into numbered parts when its NDJSON
// would exceed maxObjectBytes. Order is kept, and the split depends only on the records, so a retry plans the
// same objects. The function plans one trigger message at a time; the CLI (cli/object-output.ts) rolls over a
// whole run with the same rule, encoding as it goes.

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

/**
 * The size rule of every object writer: a record that would take a non-empty object past the limit starts the
 * next part (a record larger than the limit still gets an object of its own: nothing is dropped).
 */
export function startsNextPart(objectBytes: number, objectRecords: number, recordBytes: number, maxObjectBytes: number): boolean {
  return objectRecords > 0 && objectBytes + recordBytes + 1 > maxObjectBytes;
}

export function planObjects(records: readonly PlannedRecord[], maxObjectBytes: number): PlannedObject[] {
  const open = new Map<string, { part: number; lines: string[]; bytes: number; first: number | null }>();
  const done: PlannedObject[] = [];
  const close = (cluster: string, o: { part: number; lines: string[]; bytes: number; first: number | null }): PlannedObject =>
    ({ cluster, part: o.part, lines: o.lines, bytes: o.bytes, firstTime: o.first });
  for (const r of records) {
    let o = open.get(r.cluster);
    if (o === undefined || startsNextPart(o.bytes, o.lines.length, r.bytes, maxObjectBytes)) {
      if (o !== undefined) done.push(close(r.cluster, o));
      o = { part: (o?.part ?? 0) + 1, lines: [], bytes: 0, first: null };
      open.set(r.cluster, o);
    }
    o.lines.push(r.line);
    o.bytes += r.bytes + 1;
    if (r.time !== null && (o.first === null || r.time < o.first)) o.first = r.time;
  }
  return [...done, ...[...open].map(([cluster, o]) => close(cluster, o))];
}
