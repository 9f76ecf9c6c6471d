// The audit.k8s.io/v1 Policy, after decoding (kubernetes/apiserver pkg/apis/audit/v1/types.go, Policy and
// PolicyRule). Lists are never null here: absent, null and [] all decode to [] (they mean the same upstream).
import type { Level, Stage } from '../event/types';

export interface GroupResources {
  /** "" is the core group; "*" is every group (kube-apiserver 1.36+). */
  group: string;
  /** "pods", "pods/log", "*", "pods/*", "*\/scale"; empty = every resource of the group. */
  resources: string[];
  /** Object names; empty = any name. Needs `resources`. */
  resourceNames: string[];
}

export interface PolicyRule {
  level: Level;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  /** "" selects requests whose URL has no namespace. */
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: Stage[];
  /** Absent: inherit the policy's omitManagedFields. */
  omitManagedFields?: boolean;
}

export interface Policy {
  apiVersion: 'audit.k8s.io/v1';
  kind: 'Policy';
  rules: PolicyRule[];
  omitStages: Stage[];
  omitManagedFields: boolean;
}

/**
 * What the policy decides for one event: the level, the stages that are not written, whether managedFields
 * are stripped, and which rule decided (its index, or null when no rule matched and the default None applied).
 * Mirrors kube-apiserver's RequestAuditConfig (pkg/audit/policy/checker.go EvaluatePolicyRule).
 */
export interface Decision {
  readonly level: Level;
  readonly omitStages: readonly Stage[];
  readonly omitManagedFields: boolean;
  readonly rule: number | null;
}

/** A rule as a user writes it: every field but `level` optional. Input to AuditFilter.addRule. */
export type PolicyRuleInput = {
  level: Level | string;
  users?: string[] | null;
  userGroups?: string[] | null;
  verbs?: string[] | null;
  resources?: Array<{ group?: string; resources?: string[] | null; resourceNames?: string[] | null }> | null;
  namespaces?: string[] | null;
  nonResourceURLs?: string[] | null;
  omitStages?: string[] | null;
  omitManagedFields?: boolean | null;
};
