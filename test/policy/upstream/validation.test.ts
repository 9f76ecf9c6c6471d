// Port of kubernetes/apiserver pkg/apis/audit/validation/validation_test.go (commit
// 24a394e516bfda066d7e2221d7d92c052de27c54, identical at kubernetes-1.36.0), Apache-2.0, The Kubernetes Authors.
// The policies are upstream's; the code is ours.
//
// Upstream only checks that each invalid policy yields *some* error. We check the exact kube-apiserver text that
// pkg/apis/audit/validation/validation.go L27-133 produces, formatted as apimachinery's field.Error and
// ErrorList.ToAggregate() print it (docs/audit-policy-semantics.md §3), both from validatePolicy() and from the
// PolicyError that loadPolicy() throws. Rows marked "spec §3" are not in validation_test.go; they pin down the
// edges that validation.go decides (wildcards, group "*", DNS-1123 messages, ordering, de-duplication).
import { describe, expect, it } from 'vitest';

import { loadPolicy, PolicyError, validatePolicy } from '../../../src/index';
import type { Stage } from '../../../src/event/types';
import type { GroupResources, Policy, PolicyRule } from '../../../src/policy/types';

type RuleFields = Partial<Omit<PolicyRule, 'level' | 'resources' | 'omitStages'>> & {
  level?: string;
  resources?: Array<Partial<GroupResources>>;
  omitStages?: string[];
};

/** A normalized rule (src/policy/types.ts). Level and stages may be invalid on purpose, hence the casts. */
function rule(fields: RuleFields = {}): PolicyRule {
  const { level = '', resources = [], omitStages = [], ...rest } = fields;
  return {
    users: [],
    userGroups: [],
    verbs: [],
    namespaces: [],
    nonResourceURLs: [],
    ...rest,
    level: level as PolicyRule['level'],
    omitStages: omitStages as Stage[],
    resources: resources.map((gr) => ({ group: gr.group ?? '', resources: gr.resources ?? [], resourceNames: gr.resourceNames ?? [] })),
  };
}

function policy(rules: PolicyRule[], omitStages: string[] = []): Policy {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, omitStages: omitStages as Stage[], omitManagedFields: false };
}

/** The policy as a document for loadPolicy(): the same rules, written out as a user would. */
function documentOf(p: Policy): object {
  return structuredClone(p);
}

function thrownBy(load: () => unknown): PolicyError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected loadPolicy to throw, but it returned a policy');
}

// validation_test.go L26-52
const validRules: PolicyRule[] = [
  rule({ level: 'Metadata' }), // Defaulting rule
  rule({ level: 'None', userGroups: ['system:serviceaccounts', 'system:nodes'] }), // Matching non-humans
  rule({
    // Specific request
    level: 'RequestResponse',
    verbs: ['get'],
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] }],
    namespaces: ['kube-system'],
  }),
  rule({ level: 'Metadata', userGroups: ['developers'], nonResourceURLs: ['/logs*', '/healthz*', '/metrics', '*'] }), // Some non-resource URLs
  rule({ level: 'Metadata', omitStages: ['RequestReceived'] }), // Omit RequestReceived stage
];
const validRuleNames = ['defaulting rule', 'matching non-humans', 'specific request', 'some non-resource URLs', 'omit RequestReceived stage'];

interface ValidRow {
  readonly name: string;
  readonly policy: Policy;
}

const validPolicies: ValidRow[] = [
  ...validRules.map((r, i) => ({ name: `a single rule: ${validRuleNames[i]} (validation_test.go L26-56)`, policy: policy([r]) })),
  { name: 'multiple rules (L60)', policy: policy(validRules) },
  // spec §3 and validation.go: what is not rejected.
  { name: 'group "*" matches every group from 1.36 (validation.go L101; spec §3.1)', policy: policy([rule({ level: 'Metadata', resources: [{ group: '*' }] })]) },
  { name: 'group "core" is a valid DNS subdomain (spec §3.1)', policy: policy([rule({ level: 'Metadata', resources: [{ group: 'core', resources: ['pods'] }] })]) },
  {
    name: 'group of exactly 253 characters (DNS-1123 maximum, spec §3.1)',
    policy: policy([rule({ level: 'Metadata', resources: [{ group: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}` }] })]),
  },
  {
    name: 'resourceNames together with resources (validation.go L111)',
    policy: policy([rule({ level: 'Metadata', resources: [{ resources: ['configmaps'], resourceNames: ['leader'] }] })]),
  },
  {
    name: 'users, groups, verbs, namespaces and resource strings are not checked (spec §3.2)',
    policy: policy([
      rule({
        level: 'Request',
        users: [''],
        userGroups: [''],
        verbs: ['GET', 'frobnicate', ''],
        namespaces: ['', 'Not_A_Namespace'],
        resources: [{ group: 'apps', resources: ['*/*', 'pods/log/extra', '', 'Pods'] }],
      }),
    ]),
  },
  { name: 'duplicate omitStages (spec §3.1)', policy: policy([rule({ level: 'None', omitStages: ['Panic', 'Panic'] })], ['RequestReceived', 'RequestReceived']) },
  { name: 'every stage name in omitStages', policy: policy([rule({ level: 'None', omitStages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] })]) },
  { name: 'nonResourceURLs "*" and "/"', policy: policy([rule({ level: 'None', nonResourceURLs: ['*', '/', '/*', '/healthz/'] })]) },
];

describe('Function: validatePolicy (validation_test.go success cases)', () => {
  it.each(validPolicies)('accepts $name', ({ policy: p }) => {
    // Act
    const errors = validatePolicy(p);

    // Assess
    expect(errors).toEqual([]);
  });

  it.each(validPolicies)('loadPolicy loads $name', ({ policy: p }) => {
    // Act
    const loaded = loadPolicy(documentOf(p));

    // Assess
    expect(loaded.policy.rules).toHaveLength(p.rules.length);
  });

  // validation_test.go L57-59: valid for ValidatePolicy; the loader then rejects them for having no rules.
  it.each([
    { name: 'an empty policy (L57)', policy: policy([]) },
    { name: 'a policy with only omitStages (L58-59)', policy: policy([], ['RequestReceived']) },
  ])('accepts $name, which loadPolicy rejects for having no rules', ({ policy: p }) => {
    // Act
    const errors = validatePolicy(p);
    const error = thrownBy(() => loadPolicy(documentOf(p)));

    // Assess
    expect(errors).toEqual([]);
    expect(error.message).toBe('loaded illegal policy with 0 rules');
  });
});

const allowedStages = 'allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic';
const supportedLevels = 'supported values: "None", "Metadata", "Request", "RequestResponse"';
const dnsSubdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const mustBeginWithSlash = "non-resource URL rules must begin with a '/' character";
const wildcardLast = "non-resource URL wildcards '*' must be the final character of the rule";
const bothKinds = 'rules cannot apply to both regular resources and non-resource URLs';

interface ExpectedError {
  readonly path: string;
  readonly type: 'Required' | 'Invalid' | 'NotSupported';
  readonly message: string;
}

interface InvalidRow {
  readonly name: string;
  readonly policy: Policy;
  /** validatePolicy's errors, in upstream order. */
  readonly errors: readonly ExpectedError[];
  /** loadPolicy's message: the aggregate (duplicates dropped, several as `[a, b]`). */
  readonly message: string;
}

function invalidRow(name: string, p: Policy, errors: ExpectedError[]): InvalidRow {
  const unique = [...new Set(errors.map((e) => e.message))];
  const message = unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
  return { name, policy: p, errors, message };
}

const levelRequired = (i: number): ExpectedError => ({ path: `rules[${i}].level`, type: 'Required', message: `rules[${i}].level: Required value` });

// validation_test.go L68-141; every invalid rule is alone in rules[0] (L125-128) unless said otherwise.
const upstreamInvalid: InvalidRow[] = [
  invalidRow('an empty rule, which has no level (L69)', policy([rule()]), [levelRequired(0)]),
  invalidRow(
    'a rule with verbs, resources and namespaces but no level (L70-73)',
    policy([rule({ verbs: ['get'], resources: [{ resources: ['secrets'] }], namespaces: ['kube-system'] })]),
    [levelRequired(0)],
  ),
  invalidRow('level "FooBar" (L74-75)', policy([rule({ level: 'FooBar' })]), [
    { path: 'rules[0].level', type: 'NotSupported', message: `rules[0].level: Unsupported value: "FooBar": ${supportedLevels}` },
  ]),
  invalidRow(
    'nonResourceURLs together with namespaces (L76-79)',
    policy([rule({ level: 'Metadata', namespaces: ['default'], nonResourceURLs: ['/logs*'] })]),
    [{ path: 'rules[0].nonResourceURLs', type: 'Invalid', message: `rules[0].nonResourceURLs: Invalid value: ["/logs*"]: ${bothKinds}` }],
  ),
  invalidRow(
    'nonResourceURLs together with resources (L80-83)',
    policy([rule({ level: 'Metadata', resources: [{ resources: ['secrets'] }], nonResourceURLs: ['/logs*'] })]),
    [{ path: 'rules[0].nonResourceURLs', type: 'Invalid', message: `rules[0].nonResourceURLs: Invalid value: ["/logs*"]: ${bothKinds}` }],
  ),
  invalidRow(
    'group "rbac.authorization.k8s.io/v1beta1", a group/version rather than a group (L84-86)',
    policy([rule({ level: 'Metadata', resources: [{ group: 'rbac.authorization.k8s.io/v1beta1', resources: ['roles'] }] })]),
    [
      {
        path: 'rules[0].resources.group',
        type: 'Invalid',
        message: `rules[0].resources.group: Invalid value: "rbac.authorization.k8s.io/v1beta1": ${dnsSubdomain}`,
      },
    ],
  ),
  invalidRow('non-resource URL "logs" without a leading slash (L87-92)', policy([rule({ level: 'Metadata', nonResourceURLs: ['logs', '/healthz*'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "logs": ${mustBeginWithSlash}` },
  ]),
  invalidRow('an empty non-resource URL (L93-98)', policy([rule({ level: 'Metadata', nonResourceURLs: ['', '/healthz*'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "": ${mustBeginWithSlash}` },
  ]),
  invalidRow('non-resource URL "/logs/*/*" with two wildcards (L99-104)', policy([rule({ level: 'Metadata', nonResourceURLs: ['/logs/*/*', '/metrics'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "/logs/*/*": ${wildcardLast}` },
  ]),
  invalidRow('non-resource URL "/logs/*.log" with a wildcard before the end (L105-111)', policy([rule({ level: 'Metadata', nonResourceURLs: ['/logs/*.log', '/metrics'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "/logs/*.log": ${wildcardLast}` },
  ]),
  invalidRow(
    'resourceNames without resources (L112-117)',
    policy([rule({ level: 'Metadata', verbs: ['get'], resources: [{ resourceNames: ['leader'] }], namespaces: ['kube-system'] })]),
    [
      {
        path: 'rules[0].resources.resourceNames',
        type: 'Invalid',
        message: 'rules[0].resources.resourceNames: Invalid value: ["leader"]: using resourceNames requires at least one resource',
      },
    ],
  ),
  invalidRow('rule omitStages "foo" (L118-123)', policy([rule({ level: 'Metadata', omitStages: ['foo'] })]), [
    { path: 'rules[0].omitStages[0]', type: 'Invalid', message: `rules[0].omitStages[0]: Invalid value: "foo": ${allowedStages}` },
  ]),
  invalidRow('the five valid rules followed by an empty rule (L130-131)', policy([...validRules, rule()]), [levelRequired(5)]),
  invalidRow('policy omitStages "foo" (L133-141)', policy([rule({ level: 'Metadata' })], ['foo']), [
    { path: 'omitStages[0]', type: 'Invalid', message: `omitStages[0]: Invalid value: "foo": ${allowedStages}` },
  ]),
];

// spec §3: edges decided by validation.go that validation_test.go does not cover.
const specInvalid: InvalidRow[] = [
  invalidRow('level "none" in lower case (validation.go L68-77)', policy([rule({ level: 'none' })]), [
    { path: 'rules[0].level', type: 'NotSupported', message: `rules[0].level: Unsupported value: "none": ${supportedLevels}` },
  ]),
  invalidRow(
    'a bad non-resource URL in the second rule, as rules[1] (validation.go L31-34, L86-88)',
    policy([rule({ level: 'None', nonResourceURLs: ['/healthz*'] }), rule({ level: 'Metadata', nonResourceURLs: ['logs'] })]),
    [{ path: 'rules[1].nonResourceURLs[0]', type: 'Invalid', message: `rules[1].nonResourceURLs[0]: Invalid value: "logs": ${mustBeginWithSlash}` }],
  ),
  invalidRow('non-resource URL "**", which breaks both URL rules (validation.go L86-92)', policy([rule({ level: 'Metadata', nonResourceURLs: ['**'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "**": ${mustBeginWithSlash}` },
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "**": ${wildcardLast}` },
  ]),
  invalidRow('non-resource URL "/healthz**" (validation.go L90-92)', policy([rule({ level: 'Metadata', nonResourceURLs: ['/healthz**'] })]), [
    { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "/healthz**": ${wildcardLast}` },
  ]),
  invalidRow(
    'group "Apps" with a capital letter, in the second GroupResources entry: the path has no index (validation.go L107)',
    policy([rule({ level: 'Metadata', resources: [{ group: 'apps' }, { group: 'Apps', resources: ['deployments'] }] })]),
    [{ path: 'rules[0].resources.group', type: 'Invalid', message: `rules[0].resources.group: Invalid value: "Apps": ${dnsSubdomain}` }],
  ),
  invalidRow('group "*." is not the wildcard (validation.go L101-108)', policy([rule({ level: 'Metadata', resources: [{ group: '*.' }] })]), [
    { path: 'rules[0].resources.group', type: 'Invalid', message: `rules[0].resources.group: Invalid value: "*.": ${dnsSubdomain}` },
  ]),
  invalidRow(
    'a 254-character lower-case group is only too long (apimachinery IsDNS1123Subdomain)',
    policy([rule({ level: 'Metadata', resources: [{ group: 'a'.repeat(254) }] })]),
    [
      {
        path: 'rules[0].resources.group',
        type: 'Invalid',
        message: `rules[0].resources.group: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
      },
    ],
  ),
  invalidRow(
    'a 254-character group ending in "-" breaks both DNS rules, joined by "," (validation.go L106-107)',
    policy([rule({ level: 'Metadata', resources: [{ group: `${'a'.repeat(253)}-` }] })]),
    [
      {
        path: 'rules[0].resources.group',
        type: 'Invalid',
        message: `rules[0].resources.group: Invalid value: "${'a'.repeat(253)}-": must be no more than 253 characters,${dnsSubdomain}`,
      },
    ],
  ),
  invalidRow(
    'resourceNames without resources lists every name as JSON (validation.go L111-112)',
    policy([rule({ level: 'Metadata', resources: [{ group: 'apps', resourceNames: ['a', 'b'] }] })]),
    [
      {
        path: 'rules[0].resources.resourceNames',
        type: 'Invalid',
        message: 'rules[0].resources.resourceNames: Invalid value: ["a","b"]: using resourceNames requires at least one resource',
      },
    ],
  ),
  invalidRow('stage names are case-sensitive: "requestreceived" in the second place (validation.go L118-133)', policy([rule({ level: 'Metadata', omitStages: ['Panic', 'requestreceived'] })]), [
    { path: 'rules[0].omitStages[1]', type: 'Invalid', message: `rules[0].omitStages[1]: Invalid value: "requestreceived": ${allowedStages}` },
  ]),
  invalidRow(
    'nonResourceURLs with namespaces [""] conflict too, and the whole list is shown (validation.go L45-49)',
    policy([rule({ level: 'Metadata', namespaces: [''], nonResourceURLs: ['/logs*', '/metrics'] })]),
    [{ path: 'rules[0].nonResourceURLs', type: 'Invalid', message: `rules[0].nonResourceURLs: Invalid value: ["/logs*","/metrics"]: ${bothKinds}` }],
  ),
  invalidRow(
    'two GroupResources entries with the same bad group give one message when loaded (ErrorList.ToAggregate)',
    policy([rule({ level: 'Metadata', resources: [{ group: 'Apps', resources: ['deployments'] }, { group: 'Apps', resources: ['replicasets'] }] })]),
    [
      { path: 'rules[0].resources.group', type: 'Invalid', message: `rules[0].resources.group: Invalid value: "Apps": ${dnsSubdomain}` },
      { path: 'rules[0].resources.group', type: 'Invalid', message: `rules[0].resources.group: Invalid value: "Apps": ${dnsSubdomain}` },
    ],
  ),
  invalidRow(
    'every check failing in one rule, reported in validation.go order: level, URLs, resources, stages, conflict (L38-52)',
    policy([
      rule({ nonResourceURLs: ['logs'], resources: [{ group: 'Apps', resourceNames: ['x'] }], namespaces: ['default'], omitStages: ['foo'] }),
    ]),
    [
      levelRequired(0),
      { path: 'rules[0].nonResourceURLs[0]', type: 'Invalid', message: `rules[0].nonResourceURLs[0]: Invalid value: "logs": ${mustBeginWithSlash}` },
      { path: 'rules[0].resources.group', type: 'Invalid', message: `rules[0].resources.group: Invalid value: "Apps": ${dnsSubdomain}` },
      {
        path: 'rules[0].resources.resourceNames',
        type: 'Invalid',
        message: 'rules[0].resources.resourceNames: Invalid value: ["x"]: using resourceNames requires at least one resource',
      },
      { path: 'rules[0].omitStages[0]', type: 'Invalid', message: `rules[0].omitStages[0]: Invalid value: "foo": ${allowedStages}` },
      { path: 'rules[0].nonResourceURLs', type: 'Invalid', message: `rules[0].nonResourceURLs: Invalid value: ["logs"]: ${bothKinds}` },
    ],
  ),
  invalidRow(
    'policy omitStages come before the rules, and rules in order (validation.go L28-36)',
    policy([rule({ level: 'Loud' }), rule()], ['Panic', 'Never']),
    [
      { path: 'omitStages[1]', type: 'Invalid', message: `omitStages[1]: Invalid value: "Never": ${allowedStages}` },
      { path: 'rules[0].level', type: 'NotSupported', message: `rules[0].level: Unsupported value: "Loud": ${supportedLevels}` },
      levelRequired(1),
    ],
  ),
  invalidRow('policy omitStages errors win over "0 rules" (reader.go L90-97)', policy([], ['foo']), [
    { path: 'omitStages[0]', type: 'Invalid', message: `omitStages[0]: Invalid value: "foo": ${allowedStages}` },
  ]),
];

function assessValidation({ policy: p, errors }: InvalidRow): void {
  // Act
  const actual = validatePolicy(p);

  // Assess
  expect(actual.map(({ path, type, message }) => ({ path, type, message }))).toEqual(errors);
}

function assessLoad({ policy: p, message }: InvalidRow): void {
  // Act
  const error = thrownBy(() => loadPolicy(documentOf(p)));

  // Assess
  expect(error.message).toBe(message);
}

describe('Function: validatePolicy (validation_test.go error cases, exact kube-apiserver text)', () => {
  it.each(upstreamInvalid)('rejects $name', assessValidation);
});

describe('Function: loadPolicy (validation_test.go error cases, exact aggregate message)', () => {
  it.each(upstreamInvalid)('rejects $name', assessLoad);
});

describe('Function: validatePolicy (spec §3 edges beyond validation_test.go)', () => {
  it.each(specInvalid)('rejects $name', assessValidation);
});

describe('Function: loadPolicy (spec §3 edges beyond validation_test.go)', () => {
  it.each(specInvalid)('rejects $name', assessLoad);

  it('prints several errors as "[a, b]" joined by ", " (apimachinery aggregate.Error)', () => {
    // Act
    const error = thrownBy(() =>
      loadPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', nonResourceURLs: ['**'] }] }),
    );

    // Assess
    expect(error.message).toBe(
      `[rules[0].nonResourceURLs[0]: Invalid value: "**": ${mustBeginWithSlash}, ` +
        `rules[0].nonResourceURLs[0]: Invalid value: "**": ${wildcardLast}]`,
    );
  });

  it('prints two identical errors once, without brackets (apimachinery ToAggregate)', () => {
    // Act
    const error = thrownBy(() =>
      loadPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
  resources:
  - group: Apps
    resources: [deployments]
  - group: Apps
    resources: [replicasets]
`),
    );

    // Assess
    expect(error.message).toBe(`rules[0].resources.group: Invalid value: "Apps": ${dnsSubdomain}`);
  });
});
