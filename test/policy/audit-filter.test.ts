// The seed library's API with kube-apiserver's semantics.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditFilter, PolicyError } from '../../src/index';
import { pathEvent, resourceEvent } from '../fixtures/events';

const SHARED = join(__dirname, '../fixtures/data/policies');
const secretGet = resourceEvent({ resource: 'secrets', namespace: 'default', name: 's' });
const health = pathEvent('/healthz');

describe('Class: AuditFilter', () => {
  it('keeps nothing with no rules, as kube-apiserver', () => {
    expect(new AuditFilter().filter(secretGet)).toBe(false);
  });

  it('loads a policy file and filters as apply does', () => {
    const f = new AuditFilter(join(SHARED, 'gce-audit-policy.yaml'));
    expect(f.filter(health)).toBe(false); // nonResourceURLs /healthz* → None
    expect(f.filter(secretGet)).toBe(true); // Metadata
    expect(f.apply(resourceEvent({ resource: 'secrets', extra: { responseObject: { kind: 'Secret' } } }))).not.toHaveProperty('responseObject');
  });

  it('takes a policy object', () => {
    const f = new AuditFilter({ apiVersion: 'audit.k8s.io/v1', rules: [{ level: 'Metadata' }] });
    expect(f.filter(health)).toBe(true);
  });

  it('adds and removes rules; order decides', () => {
    const f = new AuditFilter();
    f.addRules([{ level: 'None', nonResourceURLs: ['/healthz*'] }, { level: 'Metadata' }]);
    expect([f.filter(health), f.filter(secretGet)]).toEqual([false, true]);
    f.removeRule({ level: 'None', nonResourceURLs: ['/healthz*'] });
    expect(f.filter(health)).toBe(true);
    expect(f.rules).toHaveLength(1);
  });

  it('a level None rule drops (the seed library compared levels to the event instead)', () => {
    const f = new AuditFilter().addRule({ level: 'None', resources: [{ group: '', resources: ['secrets'] }] }).addRule({ level: 'Metadata' });
    expect(f.filter(secretGet)).toBe(false);
  });

  it('group "" is the core group only (the seed library matched every group)', () => {
    const f = new AuditFilter().addRule({ level: 'Metadata', resources: [{ group: '' }] });
    expect(f.filter(resourceEvent({ group: 'apps', resource: 'deployments' }))).toBe(false);
    expect(f.filter(secretGet)).toBe(true);
  });

  it.each([
    { name: 'an invalid level', rule: { level: 'Loud' }, message: 'rules[1].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse"' },
    { name: 'a URL without a slash', rule: { level: 'None', nonResourceURLs: ['healthz'] }, message: 'rules[1].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a \'/\' character' },
    { name: 'a type error', rule: { level: 'None', users: 'tim' }, message: 'failed decoding: rules[1].users: expected a list, got string "tim"' },
  ])('rejects $name with PolicyError and stays unchanged', ({ rule, message }) => {
    const f = new AuditFilter().addRule({ level: 'Metadata' });
    expect(() => f.addRule(rule as never)).toThrow(PolicyError);
    expect(() => f.addRule(rule as never)).toThrow(message);
    expect(f.rules).toHaveLength(1);
  });

  it('addRules is all or nothing, and the error names the position the bad rule would take', () => {
    const f = new AuditFilter().addRule({ level: 'Metadata' });
    expect(() => f.addRules([{ level: 'None' }, { level: '' }])).toThrow(/^rules\[2\]\.level: Required value$/);
    expect(f.rules).toHaveLength(1);
  });

  it('removing a rule that is not there throws and changes nothing', () => {
    const f = new AuditFilter().addRule({ level: 'Metadata' });
    expect(() => f.removeRules([{ level: 'Metadata' }, { level: 'None' }])).toThrow(/rule not found/);
    expect(f.rules).toHaveLength(1);
  });
});
