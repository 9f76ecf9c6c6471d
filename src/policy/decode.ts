// Decoding a Policy document the way kube-apiserver's loader does (pkg/audit/policy/reader.go L67-88):
// type errors are fatal ("failed decoding: ..."), unknown and duplicate fields are ignored with a warning
// (strict decode falls back to lenient decode), absent/null lists mean [], and the group/version is checked.
import yaml from 'js-yaml';
import { PolicyError } from '../errors';
import type { GroupResources, PolicyRule } from './types';
import { isObject } from '../json';

/** A decoded document, before validation: levels and stages are still unchecked strings. */
export interface DecodedPolicy {
  rules: DecodedRule[];
  omitStages: string[];
  omitManagedFields: boolean;
}
export type DecodedRule = Omit<PolicyRule, 'level' | 'omitStages'> & { level: string; omitStages: string[] };

export interface Decoded {
  policy: DecodedPolicy;
  warnings: string[];
}

const POLICY_GV = 'audit.k8s.io/v1';
// runtime.NewScheme() names the scheme after its call site (pkg/audit/scheme.go L30).
const SCHEME = 'k8s.io/apiserver/pkg/audit/scheme.go:30';

class DecodeError extends Error {}

// kube-apiserver turns YAML into JSON with sigs.k8s.io/yaml, i.e. go-yaml v2, which speaks YAML 1.1: yes/no/on/off
// (and y/n) are booleans, `<<` merges maps, and only the first document of a stream is read. js-yaml speaks 1.2,
// so its schema is rebuilt here from those rules (go-yaml v2 resolve.go) to decide the same way.
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const yaml11Bool = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (YAML11_TRUE.has(data) || YAML11_FALSE.has(data)),
  construct: (data: string) => YAML11_TRUE.has(data),
  predicate: (value: unknown) => typeof value === 'boolean',
  represent: (value: object) => String(value),
});
// js-yaml 4 exports its built-in types as `types`; @types/js-yaml does not declare them.
const builtin = (yaml as unknown as { types: Record<'null' | 'int' | 'float' | 'merge', yaml.Type> }).types;
const GO_YAML_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [builtin.null, yaml11Bool, builtin.int, builtin.float, builtin.merge] });

/**
 * Parse YAML or JSON text as kube-apiserver does: the first document only; duplicate keys tolerated (last wins)
 * with a warning, as upstream's lenient path.
 */
export function parseDocument(text: string, warnings: string[]): unknown {
  const load = (json: boolean): unknown[] => yaml.loadAll(text, undefined, { schema: GO_YAML_SCHEMA, json });
  let docs: unknown[];
  try {
    docs = load(false);
  } catch (err) {
    if (!(err instanceof yaml.YAMLException && /duplicated mapping key/.test(err.message))) {
      throw new PolicyError(`failed decoding: ${(err as Error).message}`, [], { cause: err });
    }
    warnings.push(`duplicate field: ${err.reason ?? err.message}`);
    try {
      docs = load(true);
    } catch (err2) {
      throw new PolicyError(`failed decoding: ${(err2 as Error).message}`, [], { cause: err2 });
    }
  }
  if (docs.slice(1).some((d) => d !== null && d !== undefined)) {
    warnings.push('more than one YAML document: only the first is read, as kube-apiserver reads it');
  }
  return docs[0];
}

/** Decode a parsed document into a Policy shape, or throw PolicyError with kube-apiserver's text. */
export function decodePolicy(doc: unknown, warnings: string[] = []): Decoded {
  const root: Record<string, unknown> = doc === null || doc === undefined ? {} : (doc as Record<string, unknown>);
  if (!isObject(root)) {
    throw new PolicyError(`failed decoding: couldn't get version/kind; json parse error: the document is a ${typeName(doc)}, not a mapping`);
  }
  checkTypeMeta(root);
  unknownFields(root, ['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields'], '', warnings);
  const policy: DecodedPolicy = decoding(() => {
    if (root.metadata !== undefined && root.metadata !== null && !isObject(root.metadata)) {
      throw new DecodeError(`metadata: expected an object, got ${typeName(root.metadata)}`);
    }
    return {
      rules: list(root.rules, 'rules', (v, p) => decodeRule(v, p, warnings)),
      omitStages: strings(root.omitStages, 'omitStages'),
      omitManagedFields: bool(root.omitManagedFields, 'omitManagedFields') ?? false,
    };
  });
  if (root.apiVersion === undefined || root.apiVersion === '') {
    // The decoder defaults a missing apiVersion to the internal version, which the loader then rejects.
    throw new PolicyError(`unknown group version field audit.k8s.io/__internal, Kind=${kindOf(root)} in policy`);
  }
  return { policy, warnings };
}

/** Decode one rule as it would sit at `rules[index]` (for editing a policy rule by rule). */
export function decodeRuleAt(value: unknown, index: number, warnings: string[]): DecodedRule {
  return decoding(() => decodeRule(value, `rules[${index}]`, warnings));
}

function decoding<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DecodeError) throw new PolicyError(`failed decoding: ${err.message}`, [], { cause: err });
    throw err;
  }
}

function checkTypeMeta(root: Record<string, unknown>): void {
  const { apiVersion, kind } = root;
  if (apiVersion !== undefined && typeof apiVersion !== 'string') {
    throw new PolicyError(`failed decoding: apiVersion: expected a string, got ${typeName(apiVersion)}`);
  }
  if (kind !== undefined && typeof kind !== 'string') {
    throw new PolicyError(`failed decoding: kind: expected a string, got ${typeName(kind)}`);
  }
  if (apiVersion === undefined || apiVersion === '') return;
  const k = kindOf(root);
  if (apiVersion !== POLICY_GV) {
    throw new PolicyError(`failed decoding: no kind "${k}" is registered for version "${apiVersion}" in scheme "${SCHEME}"`);
  }
  if (k === 'Event' || k === 'EventList' || k === 'PolicyList') {
    throw new PolicyError(`failed decoding: converting (v1.${k}) to (audit.Policy): unknown conversion`);
  }
  if (k !== 'Policy') {
    throw new PolicyError(`failed decoding: no kind "${k}" is registered for version "${apiVersion}" in scheme "${SCHEME}"`);
  }
}

function kindOf(root: Record<string, unknown>): string {
  return typeof root.kind === 'string' && root.kind !== '' ? root.kind : 'Policy';
}

const RULE_FIELDS = ['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs',
  'omitStages', 'omitManagedFields'];
const GROUP_RESOURCES_FIELDS = ['group', 'resources', 'resourceNames'];

function decodeRule(value: unknown, path: string, warnings: string[]): DecodedRule {
  const r = object(value, path);
  unknownFields(r, RULE_FIELDS, path, warnings);
  const rule: DecodedRule = {
    level: str(r.level, `${path}.level`),
    users: strings(r.users, `${path}.users`),
    userGroups: strings(r.userGroups, `${path}.userGroups`),
    verbs: strings(r.verbs, `${path}.verbs`),
    resources: list(r.resources, `${path}.resources`, (v, p) => decodeGroupResources(v, p, warnings)),
    namespaces: strings(r.namespaces, `${path}.namespaces`),
    nonResourceURLs: strings(r.nonResourceURLs, `${path}.nonResourceURLs`),
    omitStages: strings(r.omitStages, `${path}.omitStages`),
  };
  const omf = bool(r.omitManagedFields, `${path}.omitManagedFields`);
  if (omf !== undefined) rule.omitManagedFields = omf;
  return rule;
}

function decodeGroupResources(value: unknown, path: string, warnings: string[]): GroupResources {
  const g = object(value, path);
  unknownFields(g, GROUP_RESOURCES_FIELDS, path, warnings);
  return {
    group: str(g.group, `${path}.group`),
    resources: strings(g.resources, `${path}.resources`),
    resourceNames: strings(g.resourceNames, `${path}.resourceNames`),
  };
}

// Go's encoding/json: null leaves the zero value; any other type mismatch is an error.
function object(value: unknown, path: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new DecodeError(`${path}: expected an object, got ${typeName(value)}`);
  return value;
}

function str(value: unknown, path: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw new DecodeError(`${path}: expected a string, got ${typeName(value)}`);
  return value;
}

function bool(value: unknown, path: string): boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new DecodeError(`${path}: expected a boolean, got ${typeName(value)}`);
  return value;
}

function list<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): T[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new DecodeError(`${path}: expected a list, got ${typeName(value)}`);
  return value.map((v, i) => item(v, `${path}[${i}]`));
}

function strings(value: unknown, path: string): string[] {
  return list(value, path, str);
}

function unknownFields(obj: Record<string, unknown>, known: readonly string[], path: string, warnings: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) warnings.push(`unknown field "${path === '' ? key : `${path}.${key}`}"`);
  }
}


function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  return typeof value === 'string' ? `string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}
