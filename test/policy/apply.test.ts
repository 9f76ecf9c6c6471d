// Reduction of logged events to the decided level (spec §6, §7).
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/index';
import type { AuditEvent } from '../../src/event/types';
import { resourceEvent } from '../fixtures/events';

const managed = [{ manager: 'kubectl', operation: 'Update' }];
const podWithManaged = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', managedFields: managed, labels: { a: 'b' } }, spec: {} };

function full(over: Partial<AuditEvent> = {}): AuditEvent {
  return resourceEvent({
    verb: 'update', namespace: 'default', name: 'web',
    extra: {
      requestObject: podWithManaged,
      responseObject: podWithManaged,
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'patch.webhook.admission.k8s.io/round_0_index_0': '{"patch":"..."}',
      },
      ...over,
    },
  });
}

function policy(rule: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return loadPolicy({ apiVersion: 'audit.k8s.io/v1', ...extra, rules: [rule] });
}

describe('Method: apply — levels', () => {
  it.each([
    { decided: 'RequestResponse', req: true, res: true, webhookAnnotation: true },
    { decided: 'Request', req: true, res: false, webhookAnnotation: true },
    { decided: 'Metadata', req: false, res: false, webhookAnnotation: false },
  ])('lowering RequestResponse to $decided keeps requestObject=$req responseObject=$res', ({ decided, req, res, webhookAnnotation }) => {
    const out = policy({ level: decided }).apply(full())!;
    expect(out.level).toBe(decided);
    expect('requestObject' in out).toBe(req);
    expect('responseObject' in out).toBe(res);
    expect('patch.webhook.admission.k8s.io/round_0_index_0' in out.annotations!).toBe(webhookAnnotation);
    expect(out.annotations!['authorization.k8s.io/decision']).toBe('allow');
  });

  it('drops the annotations map when only webhook patch annotations were in it', () => {
    const out = policy({ level: 'Metadata' }).apply(full({ annotations: { 'patch.webhook.admission.k8s.io/round_1_index_2': 'x' } }))!;
    expect('annotations' in out).toBe(false);
  });

  it('never raises a level: a Metadata line decided RequestResponse stays Metadata', () => {
    const event = resourceEvent({ level: 'Metadata' });
    const out = policy({ level: 'RequestResponse' }).apply(event);
    expect(out).toBe(event);
    expect(out!.level).toBe('Metadata');
  });

  it('drops the event when the level is None', () => {
    expect(policy({ level: 'None' }).apply(full())).toBeNull();
  });

  it.each([
    { name: 'a rule stage', rule: { level: 'Metadata', omitStages: ['ResponseStarted'] }, extra: {} },
    { name: 'a policy-wide stage', rule: { level: 'Metadata' }, extra: { omitStages: ['ResponseStarted'] } },
  ])('drops the event when its stage is omitted by $name', ({ rule, extra }) => {
    const p = policy(rule, extra);
    expect(p.apply(resourceEvent({ stage: 'ResponseStarted' }))).toBeNull();
    expect(p.apply(resourceEvent({ stage: 'ResponseComplete' }))).not.toBeNull();
  });

  it('keeps key order and every other field of the event', () => {
    const event = full();
    const out = policy({ level: 'Metadata' }).apply(event)!;
    const expected = Object.keys(event).filter((k) => k !== 'requestObject' && k !== 'responseObject');
    expect(Object.keys(out)).toEqual(expected);
    expect(out.objectRef).toEqual(event.objectRef);
    expect(out.responseStatus).toEqual(event.responseStatus);
  });
});

describe('Method: apply — omitManagedFields', () => {
  const strip = policy({ level: 'RequestResponse', omitManagedFields: true });

  it('strips metadata.managedFields from request and response objects', () => {
    const out = strip.apply(full())!;
    expect((out.requestObject as typeof podWithManaged).metadata).toEqual({ name: 'web', labels: { a: 'b' } });
    expect((out.responseObject as typeof podWithManaged).metadata).toEqual({ name: 'web', labels: { a: 'b' } });
  });

  it('never strips a patch requestObject, which is the patch as sent', () => {
    const patch = { metadata: { managedFields: [{}] } };
    const out = strip.apply(full({ verb: 'patch', requestObject: patch }))!;
    expect(out.requestObject).toBe(patch);
    expect((out.responseObject as typeof podWithManaged).metadata).not.toHaveProperty('managedFields');
  });

  it('strips every list item', () => {
    const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [podWithManaged, { metadata: { name: 'x' } }] };
    const out = strip.apply(full({ verb: 'list', requestObject: undefined, responseObject: list }))!;
    const items = (out.responseObject as typeof list).items;
    expect(items[0]!.metadata).not.toHaveProperty('managedFields');
    expect(items[1]).toBe(list.items[1]);
  });

  it('strips every Table row object', () => {
    const table = {
      kind: 'Table', apiVersion: 'meta.k8s.io/v1',
      rows: [{ cells: ['web'], object: podWithManaged }, { cells: ['no object'] }],
    };
    const out = strip.apply(full({ verb: 'list', responseObject: table }))!;
    const rows = (out.responseObject as typeof table).rows;
    expect(rows[0]!.object!.metadata).not.toHaveProperty('managedFields');
    expect(rows[1]).toEqual({ cells: ['no object'] });
  });

  it('leaves objects without metadata (Status, DeleteOptions) as they are', () => {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 409 };
    const event = full({ requestObject: { kind: 'DeleteOptions' }, responseObject: status });
    expect(strip.apply(event)).toBe(event);
  });

  it('the rule can turn it off against the policy default', () => {
    const p = policy({ level: 'RequestResponse', omitManagedFields: false }, { omitManagedFields: true });
    const event = full();
    expect(p.apply(event)).toBe(event);
  });

  it('the policy default applies when the rule says nothing', () => {
    const p = policy({ level: 'RequestResponse' }, { omitManagedFields: true });
    expect((p.apply(full())!.requestObject as typeof podWithManaged).metadata).not.toHaveProperty('managedFields');
  });
});

describe('Method: apply — the input is never mutated', () => {
  it.each([
    { name: 'Metadata', rule: { level: 'Metadata' } },
    { name: 'Request with managedFields stripped', rule: { level: 'Request', omitManagedFields: true } },
    { name: 'RequestResponse with managedFields stripped', rule: { level: 'RequestResponse', omitManagedFields: true } },
  ])('$name', ({ rule }) => {
    const event = full({ responseObject: { kind: 'PodList', items: [podWithManaged] } });
    const before = structuredClone(event);
    const out = policy(rule).apply(event);
    expect(out).not.toBe(event);
    expect(event).toEqual(before);
  });

  it('returns the input itself when nothing changes', () => {
    const event = full();
    expect(policy({ level: 'RequestResponse' }).apply(event)).toBe(event);
  });
});
