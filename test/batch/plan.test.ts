import { describe, expect, it } from 'vitest';
import { planObjects, type PlannedRecord } from '../../src/batch/plan';

function rec(cluster: string, line: string, time: number | null = null): PlannedRecord {
  return { cluster, line, bytes: Buffer.byteLength(line), time };
}

describe('Function: planObjects', () => {
  it('groups by cluster in order of first appearance and keeps record order', () => {
    const objects = planObjects([rec('a', '1'), rec('b', '2'), rec('a', '3')], 1000);
    expect(objects.map((o) => [o.cluster, o.part, o.lines])).toEqual([['a', 1, ['1', '3']], ['b', 1, ['2']]]);
  });

  it('splits into numbered parts at the size limit (lines plus newlines)', () => {
    const lines = ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'].map((l) => rec('c', l));
    const objects = planObjects(lines, 10); // two 5-byte lines per object
    expect(objects.map((o) => [o.part, o.lines, o.bytes])).toEqual([[1, ['aaaa', 'bbbb'], 10], [2, ['cccc', 'dddd'], 10], [3, ['eeee'], 5]]);
  });

  it('gives a record larger than the limit an object of its own', () => {
    expect(planObjects([rec('c', 'x'), rec('c', 'y'.repeat(50)), rec('c', 'z')], 10).map((o) => o.lines.length)).toEqual([1, 1, 1]);
  });

  it('takes the earliest time of each object', () => {
    const [o] = planObjects([rec('c', '1', 30), rec('c', '2', null), rec('c', '3', 10)], 100);
    expect(o!.firstTime).toBe(10);
  });

  it('plans nothing for no records', () => {
    expect(planObjects([], 10)).toEqual([]);
  });
});
