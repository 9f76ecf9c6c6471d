// Port of kubernetes/apiserver pkg/audit/policy/reader_test.go (commit 24a394e516bfda066d7e2221d7d92c052de27c54,
// identical at kubernetes-1.36.0), Apache-2.0, The Kubernetes Authors. The policy documents and expectations are
// upstream's; the code is ours. Where upstream only checks that an error happens, we also check the text that
// pkg/audit/policy/reader.go L46-101 produces (docs/audit-policy-semantics.md §2).
//
// A second block covers loader behaviour that reader_test.go does not test but reader.go decides: the removed
// v1alpha1/v1beta1 versions (apiserver commit 871a4b72, 1.24), kind defaulting, decode errors, and the order
// "group/version, validation, at least one rule".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadPolicy, loadPolicyFile, PolicyError } from '../../../src/index';
import type { Policy } from '../../../src/policy/types';
import { eventFor } from './events';

// reader_test.go L35-53
const policyDefPattern = `
apiVersion: audit.k8s.io/{version}
kind: Policy
rules:
  - level: None
    nonResourceURLs:
      - /healthz*
      - /version
  - level: RequestResponse
    users: ["tim"]
    userGroups: ["testers", "developers"]
    verbs: ["patch", "delete", "create"]
    resources:
      - group: ""
      - group: "rbac.authorization.k8s.io"
        resources: ["clusterroles", "clusterrolebindings"]
    namespaces: ["default", "kube-system"]
  - level: Metadata
`;

// reader_test.go L55-71
const policyWithNoVersionOrKind = `
rules:
  - level: None
    nonResourceURLs:
      - /healthz*
      - /version
  - level: RequestResponse
    users: ["tim"]
    userGroups: ["testers", "developers"]
    verbs: ["patch", "delete", "create"]
    resources:
      - group: ""
      - group: "rbac.authorization.k8s.io"
        resources: ["clusterroles", "clusterrolebindings"]
    namespaces: ["default", "kube-system"]
  - level: Metadata
`;

// reader_test.go L73-83
const policyWithUnknownField = `
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  resources:
  - group: coordination.k8s.io
    resources:
    - "leases"
    verbs: ["watch", "get", "list"] # invalid indentation on verbs
`;

/** A normalized rule (src/policy/types.ts): every list present, omitManagedFields absent unless given. */
function rule(fields: Partial<Policy['rules'][number]> & Pick<Policy['rules'][number], 'level'>): Policy['rules'][number] {
  return { users: [], userGroups: [], verbs: [], resources: [], namespaces: [], nonResourceURLs: [], omitStages: [], ...fields };
}

// reader_test.go L85-102, in our normalized form (absent lists are [], GroupResources{} is group "" with no lists).
const expectedPolicy: Policy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: [],
  omitManagedFields: false,
  rules: [
    rule({ level: 'None', nonResourceURLs: ['/healthz*', '/version'] }),
    rule({
      level: 'RequestResponse',
      users: ['tim'],
      userGroups: ['testers', 'developers'],
      verbs: ['patch', 'delete', 'create'],
      resources: [
        { group: '', resources: [], resourceNames: [] },
        { group: 'rbac.authorization.k8s.io', resources: ['clusterroles', 'clusterrolebindings'], resourceNames: [] },
      ],
      namespaces: ['default', 'kube-system'],
    }),
    rule({ level: 'Metadata' }),
  ],
};

/** reader.go L84-88 prints the GroupVersionKind the decoder defaulted to: the internal version. */
const noVersionMessage = 'unknown group version field audit.k8s.io/__internal, Kind=Policy in policy';

let directory: string;
let fileCount = 0;

/** Like writePolicy, reader_test.go L159-168: a temporary file holding `text`. */
function writePolicy(text: string): string {
  fileCount += 1;
  const path = join(directory, `policy-${fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** Runs `load` and returns the PolicyError it throws. */
function policyErrorOf(load: () => unknown): PolicyError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected the policy to be rejected, but it loaded');
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'upstream-reader-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('Function: loadPolicyFile (reader_test.go)', () => {
  it('parses the v1 policy into the expected rules (TestParser, L104-117)', () => {
    // Prepare
    const path = writePolicy(policyDefPattern.replace('{version}', 'v1'));

    // Act
    const loaded = loadPolicyFile(path);

    // Assess
    expect(loaded.policy.rules).toHaveLength(3); // upstream's sanity check, L113
    expect(loaded.policy).toEqual(expectedPolicy);
    expect(loaded.warnings).toEqual([]);
  });

  it('rejects a policy without apiVersion and kind (TestParsePolicyWithNoVersionOrKind, L119-126)', () => {
    // Prepare
    const path = writePolicy(policyWithNoVersionOrKind);

    // Act
    const error = policyErrorOf(() => loadPolicyFile(path));

    // Assess
    expect(error.message).toContain('unknown group version field'); // upstream's assertion, L125
    expect(error.message).toBe(`${noVersionMessage}: from file ${path}`); // reader.go L55-58, L84-88
  });

  it('ignores a field it does not know and warns about it (TestParsePolicyWithUnknownField, L128-135)', () => {
    // Prepare
    const path = writePolicy(policyWithUnknownField);

    // Act
    const loaded = loadPolicyFile(path);

    // Assess: the mis-indented `verbs` is dropped (reader.go L67-82 falls back to lenient decoding) …
    expect(loaded.policy.rules).toEqual([
      rule({ level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'], resourceNames: [] }] }),
    ]);
    expect(loaded.warnings).toContain('unknown field "rules[0].resources[0].verbs"');
    // … so the rule applies to every verb, not only watch, get and list.
    const updateLease = eventFor({
      user: { name: 'system:kube-scheduler', groups: ['system:authenticated'] },
      verb: 'update',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-system',
      name: 'kube-scheduler',
    });
    expect(loaded.evaluate(updateLease)).toMatchObject({ level: 'None', rule: 0 });
  });

  // TestPolicyCntCheck, L137-157. Upstream only asserts that loading fails.
  it.each([
    {
      name: 'policyWithNoRule fails with "loaded illegal policy with 0 rules" (L141-145; reader.go L94-97)',
      text: 'apiVersion: audit.k8s.io/v1\nkind: Policy',
      message: 'loaded illegal policy with 0 rules',
    },
    {
      name: 'emptyPolicyFile fails because it has no apiVersion (L146; reader.go L84-88)',
      text: '',
      message: noVersionMessage,
    },
  ])('$name', ({ text, message }) => {
    // Prepare
    const path = writePolicy(text);

    // Act
    const error = policyErrorOf(() => loadPolicyFile(path));

    // Assess
    expect(error.message).toBe(`${message}: from file ${path}`);
  });
});

describe('Function: loadPolicy (reader.go behaviour beyond reader_test.go)', () => {
  it.each([
    { name: 'audit.k8s.io/v1beta1 is no longer accepted (removed in 1.24, apiserver 871a4b72)', version: 'v1beta1' },
    { name: 'audit.k8s.io/v1alpha1 is no longer accepted (removed in 1.24, apiserver 871a4b72)', version: 'v1alpha1' },
  ])('$name', ({ version }) => {
    // Act
    const error = policyErrorOf(() => loadPolicy(policyDefPattern.replace('{version}', version)));

    // Assess: reader.go L68-71; the rest of the text is Go scheme machinery (spec §8.4), so only the prefix is promised.
    expect(error.message).toMatch(/^failed decoding: /);
  });

  it.each([
    { name: 'a policy with apiVersion "v1" (core group) fails to decode', text: 'apiVersion: v1\nkind: Policy\nrules:\n- level: None\n' },
    { name: 'a v1 Event document fails to decode as a Policy', text: 'apiVersion: audit.k8s.io/v1\nkind: Event\nrules:\n- level: None\n' },
    { name: 'an unregistered kind fails to decode', text: 'apiVersion: audit.k8s.io/v1\nkind: AuditPolicy\nrules:\n- level: None\n' },
    { name: 'a type mismatch (users: tim) fails to decode', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: tim\n' },
    { name: 'malformed YAML fails to decode', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [\n' },
  ])('$name (reader.go L68-71)', ({ text }) => {
    // Act
    const error = policyErrorOf(() => loadPolicy(text));

    // Assess
    expect(error.message).toMatch(/^failed decoding: /);
  });

  it('defaults a missing kind to Policy (reader.go L84-88, spec §2)', () => {
    // Act
    const loaded = loadPolicy('apiVersion: audit.k8s.io/v1\nrules:\n- level: Metadata\n');

    // Assess
    expect(loaded.policy).toEqual({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: [],
      omitManagedFields: false,
      rules: [rule({ level: 'Metadata' })],
    });
  });

  it('parses the same policy from JSON text and from a plain object', () => {
    // Prepare
    const document = {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      rules: [
        { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
        {
          level: 'RequestResponse',
          users: ['tim'],
          userGroups: ['testers', 'developers'],
          verbs: ['patch', 'delete', 'create'],
          resources: [{ group: '' }, { group: 'rbac.authorization.k8s.io', resources: ['clusterroles', 'clusterrolebindings'] }],
          namespaces: ['default', 'kube-system'],
        },
        { level: 'Metadata' },
      ],
    };

    // Act
    const fromJson = loadPolicy(JSON.stringify(document));
    const fromObject = loadPolicy(document);

    // Assess
    expect(fromJson.policy).toEqual(expectedPolicy);
    expect(fromObject.policy).toEqual(expectedPolicy);
  });

  it('reads absent, null and [] lists alike and keeps omitManagedFields (spec §1.2)', () => {
    // Act
    const loaded = loadPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: null
omitManagedFields: true
rules:
- level: Request
  users: null
  verbs: []
  omitManagedFields: false
- level: Metadata
  resources:
  - group: apps
    resources: null
    resourceNames: []
`);

    // Assess
    expect(loaded.policy).toEqual({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: [],
      omitManagedFields: true,
      rules: [
        rule({ level: 'Request', omitManagedFields: false }),
        rule({ level: 'Metadata', resources: [{ group: 'apps', resources: [], resourceNames: [] }] }),
      ],
    });
    expect(loaded.policy.rules[1]?.omitManagedFields).toBeUndefined();
  });

  it.each([
    {
      name: 'a misspelt omitStage is ignored with a warning',
      text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitStage: ["RequestReceived"]\n',
      warning: 'unknown field "rules[0].omitStage"',
      expected: [rule({ level: 'Metadata' })],
    },
    {
      name: 'an unknown top-level field is ignored with a warning',
      text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStagesEverywhere: true\nrules:\n- level: None\n',
      warning: 'unknown field "omitStagesEverywhere"',
      expected: [rule({ level: 'None' })],
    },
  ])('$name (reader.go L67-82)', ({ text, warning, expected }) => {
    // Act
    const loaded = loadPolicy(text);

    // Assess
    expect(loaded.policy.rules).toEqual(expected);
    expect(loaded.warnings).toContain(warning);
  });

  it('treats a capitalised "Level" as an unknown field, so the rule has no level (spec §1.2, §3.1)', () => {
    // Act
    const error = policyErrorOf(() => loadPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- Level: Metadata\n'));

    // Assess
    expect(error.message).toBe('rules[0].level: Required value');
  });

  it('validates before counting rules: no rules and a bad omitStages report the omitStages (reader.go L90-97)', () => {
    // Act
    const error = policyErrorOf(() => loadPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["foo"]\n'));

    // Assess
    expect(error.message).toBe(
      'omitStages[0]: Invalid value: "foo": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
    );
  });

  it('checks the group version before validating (reader.go L84-90)', () => {
    // Act
    const error = policyErrorOf(() => loadPolicy('rules:\n- level: Bogus\n'));

    // Assess
    expect(error.message).toBe(noVersionMessage);
  });

  it('rejects an explicit empty rules list (reader.go L94-97)', () => {
    // Act
    const error = policyErrorOf(() => loadPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }));

    // Assess
    expect(error.message).toBe('loaded illegal policy with 0 rules');
  });
});
