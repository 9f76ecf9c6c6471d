// The CLI's streaming objects roll exactly where the function's planner splits, and store the same lines.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseKeyTemplate } from '../../src/batch/key-template';
import { planObjects, type PlannedRecord } from '../../src/batch/plan';
import type { StoredObject } from '../../src/batch/write-object';
import { ObjectOutput } from '../../src/cli/object-output';
import { MemorySink } from '../../src/sink/memory';

const records: PlannedRecord[] = Array.from({ length: 40 }, (_, i) => {
  const line = JSON.stringify({ i, pad: 'x'.repeat((i * 37) % 300) });
  return { cluster: i % 3 === 0 ? 'a' : 'b', line, bytes: Buffer.byteLength(line), time: 1_700_000_000_000 + ((i * 7919) % 1000) * 1000 };
});

describe('Class: ObjectOutput', () => {
  it.each([{ max: 500 }, { max: 2000 }, { max: 1_000_000 }, { max: 10 }])('splits like planObjects at max $max bytes, gzip bodies holding the same lines', async ({ max }) => {
    const sink = new MemorySink();
    const stored: StoredObject[] = [];
    const out = new ObjectOutput(sink, max, {
      kind: 'events', template: parseKeyTemplate('{cluster}/{part}-{yyyy}{MM}{dd}{HH}{mm}{ss}-{id}.{ext}', 'K'), fallbackTime: 0, compression: 'gzip', storageClass: 'COLD',
    }, (s) => stored.push(s));
    for (const r of records) await out.add(r);
    await out.finish();

    const planned = planObjects(records, max);
    const byKey = (o: { cluster: string; part: number }): string => `${o.cluster}/${o.part}`;
    expect(stored.map((s) => s.key.split('-')[0]).sort()).toEqual(planned.map(byKey).sort());
    for (const p of planned) {
      const s = stored.find((x) => x.key.startsWith(`${byKey(p)}-`))!;
      const body = sink.objects.get(s.key)!.body;
      expect(gunzipSync(body).toString('utf8')).toBe(`${p.lines.join('\n')}\n`);
      expect(s.events).toBe(p.lines.length);
      const d = new Date(p.firstTime!);
      expect(s.key).toContain(`-${d.toISOString().slice(0, 19).replace(/[-:T]/g, '')}-`);
    }
  });

  it('names objects by content: the same records give the same keys', async () => {
    const keys = async (): Promise<string[]> => {
      const sink = new MemorySink();
      const out = new ObjectOutput(sink, 1000, { kind: 'events', template: parseKeyTemplate('{id}', 'K'), fallbackTime: 0, compression: 'none', storageClass: 'COLD' }, () => undefined);
      for (const r of records) await out.add(r);
      await out.finish();
      return [...sink.objects.keys()].sort();
    };
    expect(await keys()).toEqual(await keys());
  });
});
