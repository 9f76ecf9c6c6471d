import { describe, expect, it } from 'vitest';
import { serializeEvent, TRUNCATED_ANNOTATION } from '../../src/batch/truncate';
import type { AuditEvent } from '../../src/event/types';
import { resourceEvent } from '../fixtures/events';

const big = 'x'.repeat(2000);
const withBodies = resourceEvent({ verb: 'create', extra: { requestObject: { data: big }, responseObject: { data: big }, annotations: { a: 'b' } } });

describe('Function: serializeEvent', () => {
  it('writes an event under the limit as it is', () => {
    const s = serializeEvent(withBodies, 1_000_000);
    expect(s).toEqual({ line: JSON.stringify(withBodies), bytes: Buffer.byteLength(JSON.stringify(withBodies)), truncated: false });
  });

  it('drops both objects and annotates, as kube-apiserver truncates, keeping the level', () => {
    const s = serializeEvent(withBodies, 1000);
    const out = JSON.parse(s.line) as AuditEvent;
    expect(s.truncated).toBe(true);
    expect(out).not.toHaveProperty('requestObject');
    expect(out).not.toHaveProperty('responseObject');
    expect(out.level).toBe(withBodies.level);
    expect(out.annotations).toEqual({ a: 'b', [TRUNCATED_ANNOTATION]: 'true' });
    expect(s.bytes).toBeLessThan(1000);
  });

  it('leaves a Metadata event over the limit alone (there is nothing to cut)', () => {
    const meta = resourceEvent({ level: 'Metadata', extra: { annotations: { long: big } } });
    expect(serializeEvent(meta, 100).truncated).toBe(false);
  });

  it('does not mutate the event', () => {
    const before = structuredClone(withBodies);
    serializeEvent(withBodies, 1000);
    expect(withBodies).toEqual(before);
  });
});
