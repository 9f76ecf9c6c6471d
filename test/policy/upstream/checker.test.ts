// Port of kubernetes/apiserver pkg/audit/policy/checker_test.go (commit 24a394e516bfda066d7e2221d7d92c052de27c54,
// identical at kubernetes-1.36.0), Apache-2.0, The Kubernetes Authors. The cases are upstream's; the code is ours.
//
// Upstream evaluates authorizer attributes; we evaluate the audit event a kube-apiserver would have logged for the
// same request (see ./events.ts). Every `test(...)` call of TestChecker and TestCheckerPolicyOmitStages is one row,
// and so is every case of TestOmitManagedFields and TestUnionStages (the latter checked through evaluate(), since
// unionStages is internal upstream).
//
// Beyond upstream, each row also states which rule decides (Decision.rule, our extension): the index of the first
// matching rule, or null when none matches (checker.go L64-80).
import { describe, expect, it } from 'vitest';

import { loadPolicy } from '../../../src/index';
import type { Level, Stage } from '../../../src/event/types';
import type { PolicyRuleInput } from '../../../src/policy/types';
import { eventFor, type RequestDescription, type RequestUser } from './events';

// checker_test.go L33-36
const tim: RequestUser = { name: 'tim@k8s.io', groups: ['humans', 'developers'] };

// checker_test.go L37-98 (`attrs`). Upstream's "subresource" record keeps the pod's Path; ours is the URL of the
// subresource, which is what a log holds. Path is not consulted for resource requests (checker.go L168-217).
const requests = {
  namespaced: { user: tim, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', name: 'busybox' },
  cluster: { user: tim, verb: 'get', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1beta1', resource: 'clusterroles', name: 'edit' },
  nonResource: { user: tim, verb: 'get', path: '/logs/kubelet.log' },
  subresource: { user: tim, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'log', name: 'busybox' },
  Unauthorized: { user: null, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', name: 'busybox' },
  ClusterRoleUpdate: {
    user: tim,
    verb: 'update',
    apiGroup: 'rbac.authorization.k8s.io',
    apiVersion: 'v1beta1',
    resource: 'clusterroles',
    subresource: 'status',
    name: 'somerole',
  },
} satisfies Record<string, RequestDescription>;
type RequestName = keyof typeof requests;

// checker_test.go L100-198 (`rules`)
const rules = {
  default: { level: 'Metadata' },
  create: { level: 'Request', verbs: ['create'] },
  tims: { level: 'Metadata', users: ['tim@k8s.io'] },
  humans: { level: 'Metadata', userGroups: ['humans'] },
  serviceAccounts: { level: 'Request', userGroups: ['system:serviceaccounts'] },
  getPods: { level: 'RequestResponse', verbs: ['get'], resources: [{ resources: ['pods'] }] },
  getPodLogs: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/log'] }] },
  getPodWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*'] }] },
  getPodResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*/log'] }] },
  getPodSubResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/*'] }] },
  getClusterRoles: {
    level: 'RequestResponse',
    verbs: ['get'],
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'] }],
    namespaces: [''],
  },
  getGroupWildCardMatchingWithSubresourceWildcardMatching: {
    level: 'RequestResponse',
    verbs: ['update'],
    resources: [{ group: '*', resources: ['*/status'] }], // group "*" exists from 1.36 (apiserver 6728d949)
  },
  getLogs: { level: 'RequestResponse', verbs: ['get'], nonResourceURLs: ['/logs*'] },
  getMetrics: { level: 'Request', verbs: ['get'], nonResourceURLs: ['/metrics'] },
  clusterRoleEdit: {
    level: 'Request',
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'], resourceNames: ['edit'] }],
  },
  'omit RequestReceived': { level: 'Request', omitStages: ['RequestReceived'] },
  'only audit panic': { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete'] },
} satisfies Record<string, PolicyRuleInput>;
type RuleName = keyof typeof rules;

interface CheckerRow {
  readonly name: string;
  readonly request: RequestName;
  readonly ruleNames: readonly RuleName[];
  readonly policyOmitStages: readonly Stage[] | undefined;
  readonly level: Level;
  readonly omitStages: readonly Stage[];
  /** Index of the deciding rule in ruleNames, or null for the default None. */
  readonly rule: number | null;
}

/** One `test(t, req, expLevel, policyStages, expOmitStages, ruleNames...)` call (checker_test.go L201-212). */
interface TestCall {
  readonly line: number;
  readonly request: RequestName;
  readonly level: Level;
  readonly ruleNames: readonly RuleName[];
  readonly rule: number | null;
  /** Expected omitStages when upstream passes something other than the policy's stages. */
  readonly omitStages?: readonly Stage[];
}

function call(
  line: number,
  request: RequestName,
  level: Level,
  ruleNames: readonly RuleName[],
  rule: number | null,
  omitStages?: readonly Stage[],
): TestCall {
  return omitStages === undefined ? { line, request, level, ruleNames, rule } : { line, request, level, ruleNames, rule, omitStages };
}

// testAuditLevel, checker_test.go L214-265: the expected omitStages are always the policy's own.
const auditLevelCalls: readonly TestCall[] = [
  call(215, 'namespaced', 'Metadata', ['default'], 0),
  call(216, 'namespaced', 'None', ['create'], null),
  call(217, 'namespaced', 'Metadata', ['tims'], 0),
  call(218, 'namespaced', 'Metadata', ['humans'], 0),
  call(219, 'namespaced', 'None', ['serviceAccounts'], null),
  call(220, 'namespaced', 'RequestResponse', ['getPods'], 0),
  call(221, 'namespaced', 'None', ['getClusterRoles'], null),
  call(222, 'namespaced', 'None', ['getLogs'], null),
  call(223, 'namespaced', 'None', ['getMetrics'], null),
  call(224, 'namespaced', 'Metadata', ['getMetrics', 'serviceAccounts', 'default'], 2),
  call(225, 'namespaced', 'RequestResponse', ['getMetrics', 'getPods', 'default'], 1),
  call(226, 'namespaced', 'RequestResponse', ['getPodLogs', 'getPods'], 1),

  call(228, 'cluster', 'Metadata', ['default'], 0),
  call(229, 'cluster', 'None', ['create'], null),
  call(230, 'cluster', 'Metadata', ['tims'], 0),
  call(231, 'cluster', 'Metadata', ['humans'], 0),
  call(232, 'cluster', 'None', ['serviceAccounts'], null),
  call(233, 'cluster', 'None', ['getPods'], null),
  call(234, 'cluster', 'RequestResponse', ['getClusterRoles'], 0),
  call(235, 'cluster', 'Request', ['clusterRoleEdit', 'getClusterRoles'], 0),
  call(236, 'cluster', 'None', ['getLogs'], null),
  call(237, 'cluster', 'None', ['getMetrics'], null),
  call(238, 'cluster', 'Metadata', ['getMetrics', 'serviceAccounts', 'default'], 2),
  call(239, 'cluster', 'RequestResponse', ['getMetrics', 'getClusterRoles', 'default'], 1),
  call(240, 'cluster', 'None', ['getPodLogs', 'getPods'], null),

  call(242, 'nonResource', 'Metadata', ['default'], 0),
  call(243, 'nonResource', 'None', ['create'], null),
  call(244, 'nonResource', 'Metadata', ['tims'], 0),
  call(245, 'nonResource', 'Metadata', ['humans'], 0),
  call(246, 'nonResource', 'None', ['serviceAccounts'], null),
  call(247, 'nonResource', 'None', ['getPods'], null),
  call(248, 'nonResource', 'None', ['getClusterRoles'], null),
  call(249, 'nonResource', 'RequestResponse', ['getLogs'], 0),
  call(250, 'nonResource', 'None', ['getMetrics'], null),
  call(251, 'nonResource', 'Metadata', ['getMetrics', 'serviceAccounts', 'default'], 2),
  call(252, 'nonResource', 'RequestResponse', ['getLogs', 'getClusterRoles', 'default'], 0),
  call(253, 'nonResource', 'None', ['getPodLogs', 'getPods'], null),

  call(255, 'subresource', 'Request', ['getPodLogs', 'getPods'], 0),
  call(256, 'subresource', 'Request', ['getPodWildcardMatching'], 0),
  call(257, 'subresource', 'Request', ['getPodResourceWildcardMatching'], 0),
  call(258, 'subresource', 'Request', ['getPodSubResourceWildcardMatching'], 0),

  call(260, 'Unauthorized', 'None', ['tims'], null),
  call(261, 'Unauthorized', 'Metadata', ['tims', 'default'], 1),
  call(262, 'Unauthorized', 'None', ['humans'], null),
  call(263, 'Unauthorized', 'Metadata', ['humans', 'default'], 1),
  call(264, 'ClusterRoleUpdate', 'RequestResponse', ['getGroupWildCardMatchingWithSubresourceWildcardMatching'], 0),
];

const RR: Stage = 'RequestReceived';
const RS: Stage = 'ResponseStarted';
const RC: Stage = 'ResponseComplete';

// TestChecker, checker_test.go L270-276: rule-level omitStages, no policy-wide ones.
const ruleOmitStagesCalls: readonly TestCall[] = [
  call(271, 'namespaced', 'Request', ['omit RequestReceived', 'getPods', 'default'], 0, [RR]),
  call(272, 'namespaced', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
  call(273, 'cluster', 'Request', ['omit RequestReceived', 'getPods', 'default'], 0, [RR]),
  call(274, 'cluster', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
  call(275, 'nonResource', 'Request', ['omit RequestReceived', 'getPods', 'default'], 0, [RR]),
  call(276, 'nonResource', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
];

// TestCheckerPolicyOmitStages, checker_test.go L280 and L283-289: policy-wide omitStages unioned with the rule's.
const policyStages: readonly Stage[] = [RR, RS];
const policyOmitStagesCalls: readonly TestCall[] = [
  call(284, 'namespaced', 'Request', ['omit RequestReceived', 'getPods', 'default'], 0, [RR, RS]),
  call(285, 'namespaced', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
  call(286, 'cluster', 'Request', ['omit RequestReceived', 'getPods', 'default'], 0, [RR, RS]),
  call(287, 'cluster', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
  call(288, 'nonResource', 'Metadata', ['default', 'omit RequestReceived', 'getPods'], 0, [RR, RS]),
  call(289, 'nonResource', 'Request', ['only audit panic', 'getPods', 'default'], 0, [RR, RS, RC]),
];

function rowsOf(calls: readonly TestCall[], stages: readonly Stage[] | undefined, from: string): CheckerRow[] {
  return calls.map((c) => {
    const omitStages = c.omitStages ?? stages ?? [];
    const stageText = stages === undefined ? 'no policy omitStages' : `policy omitStages [${stages.join(', ')}]`;
    return {
      name:
        `${c.request} request, rules [${c.ruleNames.join(', ')}], ${stageText}: ` +
        `level ${c.level}, omitStages [${omitStages.join(', ')}] (${from} L${c.line})`,
      request: c.request,
      ruleNames: c.ruleNames,
      policyOmitStages: stages,
      level: c.level,
      omitStages,
      rule: c.rule,
    };
  });
}

function policyDocument(ruleNames: readonly RuleName[], omitStages: readonly Stage[] | undefined): object {
  const document: Record<string, unknown> = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: ruleNames.map((name) => structuredClone(rules[name])),
  };
  if (omitStages !== undefined) document.omitStages = [...omitStages];
  return document;
}

function sortedUnique(stages: readonly Stage[]): Stage[] {
  return [...new Set(stages)].sort();
}

function assessDecision(row: CheckerRow): void {
  // Prepare
  const policy = loadPolicy(policyDocument(row.ruleNames, row.policyOmitStages));
  const event = eventFor(requests[row.request]);

  // Act
  const decision = policy.evaluate(event);

  // Assess
  expect(decision.level).toBe(row.level);
  expect(sortedUnique(decision.omitStages)).toEqual(sortedUnique(row.omitStages)); // stageEqual, L292-311
  expect(decision.rule).toBe(row.rule);
}

describe('Function: evaluate (checker_test.go)', () => {
  describe('TestChecker: testAuditLevel without policy omitStages (L214-268)', () => {
    it.each(rowsOf(auditLevelCalls, undefined, 'checker_test.go'))('$name', assessDecision);
  });

  describe('TestChecker: rule omitStages (L270-276)', () => {
    it.each(rowsOf(ruleOmitStagesCalls, undefined, 'checker_test.go'))('$name', assessDecision);
  });

  describe('TestCheckerPolicyOmitStages: testAuditLevel with policy omitStages (L279-281)', () => {
    it.each(rowsOf(auditLevelCalls, policyStages, 'checker_test.go'))('$name', assessDecision);
  });

  describe('TestCheckerPolicyOmitStages: policy and rule omitStages (L283-289)', () => {
    it.each(rowsOf(policyOmitStagesCalls, policyStages, 'checker_test.go'))('$name', assessDecision);
  });
});

// TestOmitManagedFields, checker_test.go L370-449. The request is a bare `get` with no user and no resource; the
// rule matches it by verb alone.
describe('Function: evaluate, omitManagedFields (checker_test.go TestOmitManagedFields)', () => {
  const bareGet: RequestDescription = { user: null, verb: 'get', path: '/' };
  const matchingRule = { level: 'RequestResponse', verbs: ['get'] };

  it.each([
    { name: 'global policy default is false, rule does not override (L389-398)', policy: false, rule: undefined, want: false },
    { name: 'global policy default is true, rule does not override (L400-410)', policy: true, rule: undefined, want: true },
    { name: 'global policy default is true, rule overrides to false (L412-422)', policy: true, rule: false, want: false },
    { name: 'global policy default is false, rule overrides to true (L424-434)', policy: false, rule: true, want: true },
  ])('$name', ({ policy, rule, want }) => {
    // Prepare
    const ruleDocument = rule === undefined ? { ...matchingRule } : { ...matchingRule, omitManagedFields: rule };
    const loaded = loadPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitManagedFields: policy, rules: [ruleDocument] });

    // Act
    const decision = loaded.evaluate(eventFor(bareGet));

    // Assess
    expect(decision.level).toBe('RequestResponse');
    expect(decision.omitManagedFields).toBe(want);
  });

  // Not an upstream case: when no rule matches, the policy default applies (checker.go L75-79).
  it.each([
    { name: 'no rule matches and the policy default is true: true (checker.go L75-79)', policy: true, want: true },
    { name: 'no rule matches and the policy default is false: false (checker.go L75-79)', policy: false, want: false },
  ])('$name', ({ policy, want }) => {
    // Prepare
    const loaded = loadPolicy({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitManagedFields: policy,
      rules: [{ level: 'Metadata', verbs: ['create'], omitManagedFields: !policy }],
    });

    // Act
    const decision = loaded.evaluate(eventFor(bareGet));

    // Assess
    expect(decision).toMatchObject({ level: 'None', rule: null, omitManagedFields: want });
  });
});

// TestUnionStages, checker_test.go L313-368. unionStages(policy.omitStages, rule.omitStages) is what
// NewPolicyRuleEvaluator stores in each rule (checker.go L33-52), so it is what evaluate() returns for a matching
// rule: a set, without duplicates, in no particular order. upstream asserts the length (L356) and membership.
describe('Function: evaluate, omitStages union (checker_test.go TestUnionStages)', () => {
  const anyRequest: RequestDescription = { user: tim, verb: 'get', resource: 'pods', namespace: 'default', name: 'busybox' };

  it.each([
    { name: 'policy [] and rule [] give [] (L317-321)', policy: [], rule: [], exp: [] },
    { name: 'policy [RequestReceived] and rule [] give [RequestReceived] (L322-326)', policy: [RR], rule: [], exp: [RR] },
    { name: 'policy [RequestReceived] and rule [RequestReceived] give [RequestReceived] (L327-331)', policy: [RR], rule: [RR], exp: [RR] },
    {
      name: 'policy [RequestReceived] and rule [ResponseStarted] give both (L332-336)',
      policy: [RR],
      rule: [RS],
      exp: [RR, RS],
    },
    {
      name: 'duplicates on both sides give [RequestReceived] once (L337-341)',
      policy: [RR, RR],
      rule: [RR, RR],
      exp: [RR],
    },
    {
      name: 'policy [RequestReceived, ResponseStarted] and rule [Panic, RequestReceived] give three stages (L342-346)',
      policy: [RR, RS],
      rule: ['Panic', RR],
      exp: [RR, RS, 'Panic'],
    },
    { name: 'no policy omitStages and rule [RequestReceived] give [RequestReceived] (L347-351)', policy: undefined, rule: [RR], exp: [RR] },
  ] satisfies Array<{ name: string; policy: Stage[] | undefined; rule: Stage[]; exp: Stage[] }>)('$name', ({ policy, rule, exp }) => {
    // Prepare
    const document: Record<string, unknown> = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', omitStages: rule }] };
    if (policy !== undefined) document.omitStages = policy;
    const loaded = loadPolicy(document);

    // Act
    const decision = loaded.evaluate(eventFor(anyRequest));

    // Assess
    expect(decision.rule).toBe(0);
    expect(decision.omitStages).toHaveLength(exp.length);
    expect([...decision.omitStages].sort()).toEqual([...exp].sort());
  });

  // Not an upstream case: with no matching rule the policy's omitStages come back as given (checker.go L75-79).
  it('returns the policy omitStages when no rule matches (checker.go L75-79)', () => {
    // Prepare
    const loaded = loadPolicy({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: [RR, 'Panic'],
      rules: [{ level: 'Metadata', verbs: ['create'], omitStages: [RC] }],
    });

    // Act
    const decision = loaded.evaluate(eventFor(anyRequest));

    // Assess
    expect(decision.level).toBe('None');
    expect([...decision.omitStages].sort()).toEqual([RR, 'Panic'].sort());
  });
});
