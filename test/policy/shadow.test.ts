import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/index';
import { shadowedRules } from '../../src/policy/shadow';

function shadowed(rules: Array<Record<string, unknown>>): Array<[number, number]> {
  return shadowedRules(loadPolicy({ apiVersion: 'audit.k8s.io/v1', rules }).policy).map((s) => [s.rule, s.by]);
}

describe('Function: shadowedRules', () => {
  it.each([
    { name: 'a catch-all before specific rules shadows them all', rules: [{ level: 'Metadata' }, { level: 'None', users: ['a'] }, { level: 'None', nonResourceURLs: ['/x'] }], expected: [[1, 0], [2, 0]] },
    { name: 'a broader user list shadows a narrower one', rules: [{ level: 'None', users: ['a', 'b'] }, { level: 'Metadata', users: ['a'] }], expected: [[1, 0]] },
    { name: 'a narrower user list does not shadow a broader one', rules: [{ level: 'None', users: ['a'] }, { level: 'Metadata', users: ['a', 'b'] }], expected: [] },
    { name: 'an unrestricted later rule is not shadowed by a restricted one', rules: [{ level: 'None', verbs: ['get'] }, { level: 'Metadata' }], expected: [] },
    { name: 'group "" shadows a rule on core pods', rules: [{ level: 'None', resources: [{ group: '' }] }, { level: 'Metadata', resources: [{ group: '', resources: ['pods'] }] }], expected: [[1, 0]] },
    { name: 'core pods does not shadow apps', rules: [{ level: 'None', resources: [{ group: '' }] }, { level: 'Metadata', resources: [{ group: 'apps' }] }], expected: [] },
    { name: 'group "*" shadows any group', rules: [{ level: 'None', resources: [{ group: '*', resources: ['*'] }] }, { level: 'Metadata', resources: [{ group: 'apps', resources: ['deployments/scale'] }] }], expected: [[1, 0]] },
    { name: 'pods/* shadows pods and pods/log', rules: [{ level: 'None', resources: [{ resources: ['pods/*'] }] }, { level: 'Metadata', resources: [{ resources: ['pods', 'pods/log'] }] }], expected: [[1, 0]] },
    { name: 'pods does not shadow pods/log', rules: [{ level: 'None', resources: [{ resources: ['pods'] }] }, { level: 'Metadata', resources: [{ resources: ['pods/log'] }] }], expected: [] },
    { name: '*/scale shadows deployments/scale', rules: [{ level: 'None', resources: [{ group: 'apps', resources: ['*/scale'] }] }, { level: 'Metadata', resources: [{ group: 'apps', resources: ['deployments/scale'] }] }], expected: [[1, 0]] },
    { name: 'resourceNames narrow what is shadowed', rules: [{ level: 'None', resources: [{ resources: ['configmaps'], resourceNames: ['a'] }] }, { level: 'Metadata', resources: [{ resources: ['configmaps'] }] }], expected: [] },
    { name: 'a URL prefix shadows a longer prefix', rules: [{ level: 'None', nonResourceURLs: ['/health*'] }, { level: 'Metadata', nonResourceURLs: ['/healthz*', '/healthz'] }], expected: [[1, 0]] },
    { name: 'a resource rule never shadows a non-resource rule', rules: [{ level: 'None', namespaces: [''] }, { level: 'Metadata', nonResourceURLs: ['/x'] }], expected: [] },
    { name: 'namespaces must cover', rules: [{ level: 'None', namespaces: ['kube-system'] }, { level: 'Metadata', namespaces: ['kube-system', 'default'] }], expected: [] },
  ])('$name', ({ rules, expected }) => {
    expect(shadowed(rules)).toEqual(expected);
  });

  it('finds nothing in the bundled and example policies', async () => {
    const { loadPolicyFile } = await import('../../src/index');
    for (const f of ['policy/audit-policy.yaml', 'policy/examples/gce-audit-policy.yaml', 'policy/examples/docs-audit-policy.yaml']) {
      expect(shadowedRules(loadPolicyFile(`${__dirname}/../../${f}`).policy)).toEqual([]);
    }
  });
});
