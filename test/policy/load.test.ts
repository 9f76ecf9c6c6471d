// Loading and validation: our own edge cases beside the upstream ports in test/policy/upstream.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, loadPolicyFile, PolicyError } from '../../src/index';
import { policyYaml } from '../fixtures/events';

function loadError(source: string | object): PolicyError {
  try {
    loadPolicy(source);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected loadPolicy to throw');
}

describe('Function: loadPolicy — documents', () => {
  it('loads YAML, JSON text and a plain object to the same policy', () => {
    const object = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', verbs: ['get'] }] };
    const fromYaml = loadPolicy(policyYaml('- level: Metadata\n  verbs: [get]\n'));
    expect(loadPolicy(JSON.stringify(object)).policy).toEqual(fromYaml.policy);
    expect(loadPolicy(object).policy).toEqual(fromYaml.policy);
  });

  it('accepts a missing kind', () => {
    expect(loadPolicy('apiVersion: audit.k8s.io/v1\nrules:\n- level: None\n').policy.kind).toBe('Policy');
  });

  it('normalises absent and null lists to []', () => {
    const p = loadPolicy(policyYaml('- level: Metadata\n  users: null\n'));
    expect(p.policy.rules[0]).toEqual({
      level: 'Metadata', users: [], userGroups: [], verbs: [], resources: [], namespaces: [], nonResourceURLs: [], omitStages: [],
    });
  });

  it('ignores unknown fields and reports each with its path', () => {
    const p = loadPolicy(policyYaml('- level: Metadata\n  Level: None\n  omitStage: [Panic]\n  resources:\n  - group: ""\n    verbs: [get]\n', 'extra: 1\n'));
    expect(p.warnings).toEqual([
      'unknown field "extra"',
      'unknown field "rules[0].Level"',
      'unknown field "rules[0].omitStage"',
      'unknown field "rules[0].resources[0].verbs"',
    ]);
    // The mis-indented verbs is dropped, so the rule applies to every verb (reader_test TestParsePolicyWithUnknownField).
    expect(p.policy.rules[0]!.verbs).toEqual([]);
  });

  it('tolerates duplicate keys with a warning', () => {
    const p = loadPolicy(policyYaml('- level: Metadata\n  level: Request\n'));
    expect(p.policy.rules[0]!.level).toBe('Request');
    expect(p.warnings.some((w) => w.startsWith('duplicate field'))).toBe(true);
  });

  it.each([
    { name: 'users given as a string', doc: policyYaml('- level: Metadata\n  users: tim\n'), message: 'failed decoding: rules[0].users: expected a list, got string "tim"' },
    { name: 'a number as level', doc: policyYaml('- level: 5\n'), message: 'failed decoding: rules[0].level: expected a string, got number 5' },
    { name: 'omitManagedFields as a string', doc: policyYaml('- level: None\n  omitManagedFields: "true"\n'), message: 'failed decoding: rules[0].omitManagedFields: expected a boolean, got string "true"' },
    { name: 'malformed YAML', doc: 'rules: [\n', message: /^failed decoding: / },
    { name: 'a list document', doc: '- level: None\n', message: /^failed decoding: / },
    { name: 'apiVersion v1beta1', doc: 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: None\n', message: /^failed decoding: no kind "Policy" is registered for version "audit.k8s.io\/v1beta1"/ },
    { name: 'kind Event', doc: 'apiVersion: audit.k8s.io/v1\nkind: Event\n', message: 'failed decoding: converting (v1.Event) to (audit.Policy): unknown conversion' },
    { name: 'kind Pod', doc: 'apiVersion: audit.k8s.io/v1\nkind: Pod\n', message: /^failed decoding: no kind "Pod" is registered for version "audit.k8s.io\/v1"/ },
    { name: 'no apiVersion', doc: 'kind: Policy\nrules:\n- level: None\n', message: 'unknown group version field audit.k8s.io/__internal, Kind=Policy in policy' },
    { name: 'an empty document', doc: '', message: 'unknown group version field audit.k8s.io/__internal, Kind=Policy in policy' },
    { name: 'no rules', doc: 'apiVersion: audit.k8s.io/v1\nkind: Policy\n', message: 'loaded illegal policy with 0 rules' },
    { name: 'no rules but a bad omitStages (validation comes first)', doc: 'apiVersion: audit.k8s.io/v1\nomitStages: [Foo]\n', message: 'omitStages[0]: Invalid value: "Foo": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic' },
  ])('rejects $name', ({ doc, message }) => {
    const err = loadError(doc);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it('reports every validation error, kube style, with a precise location beside kube\'s path', () => {
    const err = loadError(policyYaml([
      '- level: ""',
      '- level: Everything',
      '  nonResourceURLs: [logs, "/a*b", "**"]',
      '- level: None',
      '  resources: [{group: Apps}, {group: Apps}, {group: apps, resourceNames: [x]}]',
      '- level: None',
      '  namespaces: [""]',
      '  nonResourceURLs: ["/logs*"]',
      '',
    ].join('\n')));
    const dns = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const expected = [
      'rules[0].level: Required value',
      'rules[1].level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"',
      'rules[1].nonResourceURLs[0]: Invalid value: "logs": non-resource URL rules must begin with a \'/\' character',
      'rules[1].nonResourceURLs[1]: Invalid value: "/a*b": non-resource URL wildcards \'*\' must be the final character of the rule',
      'rules[1].nonResourceURLs[2]: Invalid value: "**": non-resource URL rules must begin with a \'/\' character',
      'rules[1].nonResourceURLs[2]: Invalid value: "**": non-resource URL wildcards \'*\' must be the final character of the rule',
      `rules[2].resources.group: Invalid value: "Apps": ${dns}`,
      'rules[2].resources.resourceNames: Invalid value: ["x"]: using resourceNames requires at least one resource',
      'rules[3].nonResourceURLs: Invalid value: ["/logs*"]: rules cannot apply to both regular resources and non-resource URLs',
    ];
    expect(err.message).toBe(`[${expected.join(', ')}]`);
    expect(err.errors.filter((e) => e.path === 'rules[2].resources.group').map((e) => e.location))
      .toEqual(['rules[2].resources[0].group', 'rules[2].resources[1].group']);
  });

  it('accepts group "*" and an over-long group gets both DNS messages', () => {
    expect(loadPolicy(policyYaml('- level: None\n  resources: [{group: "*"}]\n')).policy.rules).toHaveLength(1);
    const long = 'A'.repeat(254);
    expect(loadError(policyYaml(`- level: None\n  resources: [{group: ${long}}]\n`)).message)
      .toMatch(/^rules\[0\]\.resources\.group: Invalid value: "A+": must be no more than 253 characters,a lowercase RFC 1123/);
  });
});

describe('Function: loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  it('loads a file', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, policyYaml('- level: Metadata\n'));
    expect(loadPolicyFile(path).policy.rules).toHaveLength(1);
  });

  it('appends the file to the error, as the apiserver does', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, policyYaml('- level: Loud\n'));
    expect(() => loadPolicyFile(path)).toThrow(
      `rules[0].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse": from file ${path}`);
  });

  it('names a missing file', () => {
    expect(() => loadPolicyFile(join(dir, 'nope.yaml'))).toThrow(/failed to read file path ".*nope.yaml"/);
  });
});

describe('Function: loadPolicy — YAML as kube-apiserver reads it (go-yaml v2, YAML 1.1)', () => {
  it.each([
    { name: 'yes is a boolean', doc: policyYaml('- level: Metadata\n  omitManagedFields: yes\n'), check: (p: ReturnType<typeof loadPolicy>) => expect(p.policy.rules[0]!.omitManagedFields).toBe(true) },
    { name: 'Off is a boolean', doc: policyYaml('- level: Metadata\n', 'omitManagedFields: Off\n'), check: (p: ReturnType<typeof loadPolicy>) => expect(p.policy.omitManagedFields).toBe(false) },
    { name: 'merge keys', doc: 'apiVersion: audit.k8s.io/v1\nbase: &b {level: Metadata, verbs: [get]}\nrules:\n- <<: *b\n  users: [alice]\n', check: (p: ReturnType<typeof loadPolicy>) => expect(p.policy.rules[0]).toMatchObject({ level: 'Metadata', verbs: ['get'], users: ['alice'] }) },
    { name: 'only the first document', doc: `${policyYaml('- level: Metadata\n')}---\nrules: 5\n`, check: (p: ReturnType<typeof loadPolicy>) => expect(p.warnings).toContain('more than one YAML document: only the first is read, as kube-apiserver reads it') },
  ])('$name', ({ doc, check }) => {
    check(loadPolicy(doc));
  });

  it('rejects "no" as a user name, as a YAML 1.1 boolean', () => {
    expect(() => loadPolicy(policyYaml('- level: None\n  users: [no]\n'))).toThrow('failed decoding: rules[0].users[0]: expected a string, got boolean false');
  });
});
