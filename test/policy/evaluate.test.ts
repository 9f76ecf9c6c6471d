// Matching, rule by rule, against the spec's truth tables (§4) and the attribute exceptions (§5.3).
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/index';
import type { AuditEvent } from '../../src/event/types';
import { alice, pathEvent, resourceEvent } from '../fixtures/events';

/** Does a one-rule policy with this rule (level Metadata) match the event? */
function matches(rule: Record<string, unknown>, event: AuditEvent): boolean {
  const policy = loadPolicy({ apiVersion: 'audit.k8s.io/v1', rules: [{ level: 'Metadata', ...rule }] });
  return policy.evaluate(event).rule === 0;
}

const pods = resourceEvent({ resource: 'pods', namespace: 'default', name: 'web' });
const podsLog = resourceEvent({ resource: 'pods', subresource: 'log', namespace: 'default', name: 'web' });
const podsStatus = resourceEvent({ resource: 'pods', subresource: 'status', namespace: 'default', name: 'web' });
const deploymentsScale = resourceEvent({ group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'web' });

describe('Function: evaluate — resources truth table (spec §4.4)', () => {
  const requests = { pods, 'pods/log': podsLog, 'pods/status': podsStatus, 'deployments/scale': deploymentsScale };
  // pattern → which of [pods, pods/log, pods/status, deployments/scale] it matches (group already matching).
  const table: Array<[string, [boolean, boolean, boolean, boolean]]> = [
    ['pods', [true, false, false, false]],
    ['pods/log', [false, true, false, false]],
    ['pods/*', [true, true, true, false]],
    ['*/log', [false, true, false, false]],
    ['*/scale', [false, false, false, true]],
    ['*', [true, true, true, true]],
    ['*/*', [false, false, false, false]],
    ['Pods', [false, false, false, false]],
  ];
  const rows = table.flatMap(([pattern, expected]) =>
    Object.entries(requests).map(([name, event], i) => ({ pattern, name, event, expected: expected[i]! })));
  it.each(rows)('pattern $pattern on $name → $expected', ({ pattern, event, expected }) => {
    const group = event.objectRef?.apiGroup ?? '';
    expect(matches({ resources: [{ group, resources: [pattern] }] }, event)).toBe(expected);
  });
});

describe('Function: evaluate — resource groups and names', () => {
  it.each([
    { name: 'core group "" matches core resources', rule: { resources: [{ group: '' }] }, event: pods, expected: true },
    { name: 'absent group means core', rule: { resources: [{ resources: ['pods'] }] }, event: pods, expected: true },
    { name: 'core group does not match apps', rule: { resources: [{ group: '' }] }, event: deploymentsScale, expected: false },
    { name: '"core" never matches core resources', rule: { resources: [{ group: 'core' }] }, event: pods, expected: false },
    { name: 'group "*" matches every group', rule: { resources: [{ group: '*', resources: ['deployments/scale'] }] }, event: deploymentsScale, expected: true },
    { name: 'empty resources = every resource and subresource of the group', rule: { resources: [{ group: 'apps' }] }, event: deploymentsScale, expected: true },
    { name: 'resourceNames matches the object name', rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, event: pods, expected: true },
    { name: 'resourceNames mismatch', rule: { resources: [{ resources: ['pods'], resourceNames: ['db'] }] }, event: pods, expected: false },
    { name: 'resourceNames on a subresource uses the parent name', rule: { resources: [{ resources: ['pods/log'], resourceNames: ['web'] }] }, event: podsLog, expected: true },
    {
      name: 'a list has no name, so resourceNames never matches it',
      rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] },
      event: resourceEvent({ verb: 'list', resource: 'pods', namespace: 'default' }), expected: false,
    },
    {
      name: 'a list with a metadata.name field selector carries the name',
      rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] },
      event: resourceEvent({ verb: 'list', resource: 'pods', namespace: 'default', name: 'web', uri: '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb' }),
      expected: true,
    },
    { name: 'any GroupResources entry is enough', rule: { resources: [{ group: 'apps' }, { resources: ['pods'] }] }, event: pods, expected: true },
  ])('$name', ({ rule, event, expected }) => {
    expect(matches(rule, event)).toBe(expected);
  });
});

describe('Function: evaluate — namespaces', () => {
  it.each([
    { name: 'namespace in list', ns: ['default'], event: pods, expected: true },
    { name: 'namespace not in list', ns: ['kube-system'], event: pods, expected: false },
    { name: '"" selects cluster-scoped resources', ns: [''], event: resourceEvent({ resource: 'nodes', name: 'n1' }), expected: true },
    { name: '"" selects lists across all namespaces', ns: [''], event: resourceEvent({ verb: 'list', resource: 'pods' }), expected: true },
    {
      name: '"" does not select GET /api/v1/namespaces/{name} (its namespace is the name)', ns: [''],
      event: resourceEvent({ resource: 'namespaces', name: 'kube-system', namespace: 'kube-system', uri: '/api/v1/namespaces/kube-system' }),
      expected: false,
    },
    { name: '"" alone never matches a non-resource request', ns: [''], event: pathEvent('/healthz'), expected: false },
  ])('$name', ({ ns, event, expected }) => {
    expect(matches({ namespaces: ns }, event)).toBe(expected);
  });
});

describe('Function: evaluate — nonResourceURLs (spec §4.5)', () => {
  it.each([
    { spec: '*', path: '/healthz', expected: true },
    { spec: '/healthz', path: '/healthz', expected: true },
    { spec: '/healthz', path: '/healthz/', expected: false },
    { spec: '/healthz', path: '/healthz?verbose=1', expected: true },
    { spec: '/healthz*', path: '/healthz/etcd', expected: true },
    { spec: '/logs*', path: '/logsarchive', expected: true },
    { spec: '/logs/*', path: '/logs', expected: false },
    { spec: '/logs/kube apiserver.log', path: '/logs/kube%20apiserver.log', expected: true },
    { spec: '/a/b', path: '/a%2Fb', expected: true },
    { spec: '/a+b', path: '/a+b', expected: true },
    { spec: '/version', path: '/versions', expected: false },
  ])('$spec against $path → $expected', ({ spec, path, expected }) => {
    expect(matches({ nonResourceURLs: [spec] }, pathEvent(path))).toBe(expected);
  });

  it('never matches a resource request, even with "*"', () => {
    expect(matches({ nonResourceURLs: ['*'] }, pods)).toBe(false);
  });

  it('is not consulted when the rule also names resources (upstream checks resources only)', () => {
    // Validation forbids this combination; the matcher still behaves as checker.go L124-130.
    const policy = loadPolicy({ apiVersion: 'audit.k8s.io/v1', rules: [{ level: 'Metadata', verbs: ['get'] }] });
    expect(policy.evaluate(pathEvent('/healthz')).rule).toBe(0);
  });
});

describe('Function: evaluate — users, groups, verbs', () => {
  const noUser = pathEvent('/healthz', { user: {} });
  const impersonating = resourceEvent({ user: { username: 'admin', groups: ['system:masters'] }, extra: { impersonatedUser: { username: 'bob', groups: ['devs'] } } });
  it.each([
    { name: 'user name matches exactly', rule: { users: ['alice'] }, event: pods, expected: true },
    { name: 'user names are case-sensitive', rule: { users: ['Alice'] }, event: pods, expected: false },
    { name: 'no user never matches users, even [""]', rule: { users: [''] }, event: noUser, expected: false },
    { name: 'no user never matches userGroups', rule: { userGroups: ['system:unauthenticated'] }, event: noUser, expected: false },
    { name: 'any one group is enough', rule: { userGroups: ['nobody', 'devs'] }, event: pods, expected: true },
    { name: 'the authenticated user decides, not the impersonated one', rule: { users: ['bob'] }, event: impersonating, expected: false },
    { name: 'the authenticated user groups decide', rule: { userGroups: ['system:masters'] }, event: impersonating, expected: true },
    { name: 'verbs are exact: get is not list', rule: { verbs: ['get'] }, event: resourceEvent({ verb: 'list' }), expected: false },
    { name: 'delete is not deletecollection', rule: { verbs: ['delete'] }, event: resourceEvent({ verb: 'deletecollection' }), expected: false },
    { name: 'an unknown method logs verb "" and matches verbs [""]', rule: { verbs: [''] }, event: resourceEvent({ verb: '' }), expected: true },
    { name: 'a level-only rule matches resource requests', rule: {}, event: pods, expected: true },
    { name: 'a level-only rule matches non-resource requests', rule: {}, event: noUser, expected: true },
    { name: 'all criteria must hold (AND)', rule: { users: ['alice'], verbs: ['delete'] }, event: pods, expected: false },
    { name: 'an anonymous user with groups is a user', rule: { userGroups: ['system:unauthenticated'] }, event: pathEvent('/', { user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } }), expected: true },
  ])('$name', ({ rule, event, expected }) => {
    expect(matches(rule, event)).toBe(expected);
  });
});

describe('Function: evaluate — create and update read the name and namespace from the URL (spec §5.3)', () => {
  const named = { resources: [{ resources: ['pods'], resourceNames: ['web'] }] };
  it.each([
    {
      name: 'create POSTed to a collection has no name, although objectRef shows the body name',
      rule: named, event: resourceEvent({ verb: 'create', namespace: 'default', name: 'web', uri: '/api/v1/namespaces/default/pods' }), expected: false,
    },
    {
      name: 'update carries the URL name',
      rule: named, event: resourceEvent({ verb: 'update', namespace: 'default', name: 'web', uri: '/api/v1/namespaces/default/pods/web' }), expected: true,
    },
    {
      name: 'a subresource create (eviction) carries the URL name',
      rule: { resources: [{ resources: ['pods/eviction'], resourceNames: ['web'] }] },
      event: resourceEvent({ verb: 'create', subresource: 'eviction', namespace: 'default', name: 'web', uri: '/api/v1/namespaces/default/pods/web/eviction' }),
      expected: true,
    },
    {
      name: 'a cluster-scoped create is evaluated without the namespace a bad body put in objectRef',
      rule: { namespaces: [''] },
      event: resourceEvent({ verb: 'create', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', namespace: 'oops', name: 'r', uri: '/apis/rbac.authorization.k8s.io/v1/clusterroles' }),
      expected: true,
    },
    {
      name: 'get keeps objectRef values',
      rule: named, event: resourceEvent({ verb: 'get', namespace: 'default', name: 'web', uri: '/api/v1/namespaces/default/pods/web' }), expected: true,
    },
    {
      name: 'namespace finalize: resource namespaces, name and namespace from the URL',
      rule: { namespaces: ['x'], resources: [{ resources: ['namespaces/finalize'], resourceNames: ['x'] }] },
      event: resourceEvent({ verb: 'update', resource: 'namespaces', subresource: 'finalize', name: 'x', namespace: 'x', uri: '/api/v1/namespaces/x/finalize' }),
      expected: true,
    },
  ])('$name', ({ rule, event, expected }) => {
    expect(matches(rule, event)).toBe(expected);
  });
});

describe('Function: evaluate — decisions', () => {
  const policy = loadPolicy({
    apiVersion: 'audit.k8s.io/v1',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: [
      { level: 'None', users: ['system:kube-proxy'] },
      { level: 'Request', verbs: ['get'], omitStages: ['ResponseStarted', 'RequestReceived'], omitManagedFields: false },
      { level: 'Metadata' },
    ],
  });

  it('first matching rule wins, with the union of policy and rule omitStages and the rule omitManagedFields', () => {
    const d = policy.evaluate(pods);
    expect(d).toMatchObject({ level: 'Request', omitManagedFields: false, rule: 1 });
    expect(new Set(d.omitStages)).toEqual(new Set(['RequestReceived', 'ResponseStarted']));
    expect(d.omitStages).toHaveLength(2);
  });

  it('a rule without omitManagedFields inherits the policy default', () => {
    expect(policy.evaluate(resourceEvent({ verb: 'delete' }))).toMatchObject({ level: 'Metadata', omitManagedFields: true, rule: 2 });
  });

  it('earlier non-matching rules have no effect', () => {
    expect(policy.evaluate(resourceEvent({ verb: 'delete' })).omitStages).toEqual(['RequestReceived']);
  });

  it('no match: level None, the policy omitStages and omitManagedFields, rule null', () => {
    const p = loadPolicy({ apiVersion: 'audit.k8s.io/v1', omitStages: ['Panic'], rules: [{ level: 'Metadata', users: ['x'] }] });
    expect(p.evaluate(pods)).toEqual({ level: 'None', omitStages: ['Panic'], omitManagedFields: false, rule: null });
  });

  it('returns the same decision object for the same rule (no allocation per event)', () => {
    expect(policy.evaluate(pods)).toBe(policy.evaluate(podsLog));
  });
});

describe('Function: evaluate — events from older logs', () => {
  const policy = loadPolicy({ apiVersion: 'audit.k8s.io/v1', rules: [{ level: 'Metadata', users: ['alice'] }] });
  it.each([
    { name: 'no apiVersion', event: { ...pods, apiVersion: undefined } },
    { name: 'audit.k8s.io/v1beta1 with timestamp and metadata', event: { ...pods, apiVersion: 'audit.k8s.io/v1beta1', timestamp: '2018-01-01T00:00:00Z', metadata: { creationTimestamp: '2018-01-01T00:00:00Z' } } },
    { name: 'extra fields', event: { ...pods, somethingNew: { a: 1 } } },
    { name: 'no optional fields at all', event: { level: 'Metadata', stage: 'ResponseComplete', verb: 'get', requestURI: '/api/v1/pods', user: alice, objectRef: { resource: 'pods' } } },
  ])('decides on an event with $name', ({ event }) => {
    expect(policy.evaluate(event as AuditEvent).rule).toBe(0);
  });
});
