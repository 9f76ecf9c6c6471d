// Loading a policy: kubernetes/apiserver pkg/audit/policy/reader.go LoadPolicyFromBytes (L58-101) and
// LoadPolicyFromFile (L44-56). Order matters and is upstream's: decode, group/version, validation, rule count.
import { readFileSync } from 'node:fs';
import { PolicyError } from '../errors';
import { AuditPolicy } from './audit-policy';
import { decodePolicy, parseDocument, type DecodedPolicy } from './decode';
import { aggregateMessage } from './field-errors';
import type { Policy } from './types';
import { validatePolicy } from './validate';

/**
 * Load a Policy from YAML or JSON text, or from a plain object. Throws PolicyError with kube-apiserver's message.
 * @example loadPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n').evaluate(event)
 */
export function loadPolicy(source: string | object): AuditPolicy {
  const warnings: string[] = [];
  const doc = typeof source === 'string' ? parseDocument(source, warnings) : source;
  const { policy } = decodePolicy(doc, warnings);
  const valid = validated(policy);
  if (valid.rules.length === 0) throw new PolicyError('loaded illegal policy with 0 rules');
  return new AuditPolicy(valid, warnings);
}

/** loadPolicy on a file's contents; errors end with `: from file <path>`, as upstream. */
export function loadPolicyFile(path: string): AuditPolicy {
  if (path === '') throw new PolicyError('file path not specified');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(`failed to read file path "${path}": ${(err as Error).message}`, [], { cause: err });
  }
  try {
    return loadPolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`${err.message}: from file ${path}`, err.errors, { cause: err });
    throw err;
  }
}

/** Validate a decoded policy; on success its levels and stages are known to be valid names. */
export function validated(policy: DecodedPolicy): Policy {
  const errors = validatePolicy(policy);
  if (errors.length > 0) throw new PolicyError(aggregateMessage(errors), errors);
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...(policy as Omit<Policy, 'apiVersion' | 'kind'>) };
}
