// Compiling a validated Policy into matchers, once, so that evaluating an event is a walk over small
// predicates with Set lookups. Semantics: kubernetes/apiserver pkg/audit/policy/checker.go
// (ruleMatches L95-132, ruleMatchesNonResource/pathMatches L135-165, ruleMatchesResource L168-217).
import type { RequestAttributes } from '../event/attributes';
import type { Stage } from '../event/types';
import type { Decision, GroupResources, Policy, PolicyRule } from './types';

/** The criteria of a rule, in the order upstream checks them. */
export type RuleField = 'users' | 'userGroups' | 'verbs' | 'resourceRequest' | 'namespaces' | 'resources'
  | 'nonResourceRequest' | 'nonResourceURLs';

/** One criterion of one rule. A rule matches when every check passes (an empty list is no check at all). */
export interface RuleCheck {
  readonly field: RuleField;
  readonly test: (a: RequestAttributes) => boolean;
}

export interface CompiledRule {
  readonly index: number;
  readonly decision: Decision;
  readonly checks: readonly RuleCheck[];
}

export interface CompiledPolicy {
  readonly rules: readonly CompiledRule[];
  /** No rule matched: level None, the policy's own omitStages and omitManagedFields (checker.go L74-79). */
  readonly fallback: Decision;
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  return {
    rules: policy.rules.map((rule, index) => compileRule(rule, index, policy)),
    fallback: Object.freeze({
      level: 'None',
      omitStages: Object.freeze([...policy.omitStages]),
      omitManagedFields: policy.omitManagedFields,
      rule: null,
    }),
  };
}

function compileRule(rule: PolicyRule, index: number, policy: Policy): CompiledRule {
  const decision: Decision = Object.freeze({
    level: rule.level,
    // NewPolicyRuleEvaluator unions policy-wide and rule stages (checker.go L33-52); done here on a copy.
    omitStages: Object.freeze([...new Set<Stage>([...policy.omitStages, ...rule.omitStages])]),
    // isOmitManagedFields (checker.go L86-92): the rule's value when set, else the policy default.
    omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields,
    rule: index,
  });
  return { index, decision, checks: Object.freeze(ruleChecks(rule)) };
}

function ruleChecks(rule: PolicyRule): RuleCheck[] {
  const checks: RuleCheck[] = [];
  if (rule.users.length > 0) {
    const users = new Set(rule.users);
    // No user (failed authentication) never matches, even `users: [""]` (commit 01b15f10).
    checks.push({ field: 'users', test: (a) => a.user !== null && users.has(a.user.name) });
  }
  if (rule.userGroups.length > 0) {
    const groups = new Set(rule.userGroups);
    checks.push({ field: 'userGroups', test: (a) => a.user !== null && a.user.groups.some((g) => groups.has(g)) });
  }
  if (rule.verbs.length > 0) {
    const verbs = new Set(rule.verbs);
    checks.push({ field: 'verbs', test: (a) => verbs.has(a.verb) });
  }
  // namespaces/resources make it a resource rule, and nonResourceURLs are then not consulted (checker.go L124-130).
  if (rule.namespaces.length > 0 || rule.resources.length > 0) {
    checks.push({ field: 'resourceRequest', test: (a) => a.resourceRequest });
    if (rule.namespaces.length > 0) {
      const namespaces = new Set(rule.namespaces);
      checks.push({ field: 'namespaces', test: (a) => namespaces.has(a.namespace) });
    }
    if (rule.resources.length > 0) {
      checks.push({ field: 'resources', test: resourcesMatcher(rule.resources) });
    }
  } else if (rule.nonResourceURLs.length > 0) {
    checks.push({ field: 'nonResourceRequest', test: (a) => !a.resourceRequest });
    checks.push({ field: 'nonResourceURLs', test: urlMatcher(rule.nonResourceURLs) });
  }
  return checks;
}

/** pathMatches (checker.go L150-165): `*`, exact, or a trailing-`*` plain string prefix. */
function urlMatcher(specs: readonly string[]): (a: RequestAttributes) => boolean {
  if (specs.includes('*')) return () => true;
  const exact = new Set(specs);
  const prefixes = specs.filter((s) => s.endsWith('*')).map((s) => s.replace(/\*+$/, ''));
  return (a) => exact.has(a.path) || prefixes.some((p) => a.path.startsWith(p));
}

interface GroupEntry {
  /** `resources` empty: every resource and subresource of the group. */
  readonly all: boolean;
  readonly names: ReadonlySet<string> | null;
  readonly anyResource: boolean; // "*"
  readonly exact: ReadonlySet<string>; // "pods", "pods/log"
  readonly anySubresourceOf: ReadonlySet<string>; // "pods/*" -> "pods", with or without a subresource
  readonly subresourceOfAny: ReadonlySet<string>; // "*/scale" -> "scale"
}

function resourcesMatcher(groups: readonly GroupResources[]): (a: RequestAttributes) => boolean {
  const byGroup = new Map<string, GroupEntry[]>();
  const anyGroup: GroupEntry[] = [];
  for (const gr of groups) {
    const entry = groupEntry(gr);
    if (gr.group === '*') anyGroup.push(entry);
    else byGroup.set(gr.group, [...(byGroup.get(gr.group) ?? []), entry]);
  }
  return (a) => {
    const entries = byGroup.get(a.apiGroup);
    return (entries !== undefined && entries.some((e) => entryMatches(e, a))) || anyGroup.some((e) => entryMatches(e, a));
  };
}

function groupEntry(gr: GroupResources): GroupEntry {
  const res = gr.resources;
  return {
    all: res.length === 0,
    names: gr.resourceNames.length > 0 ? new Set(gr.resourceNames) : null,
    anyResource: res.includes('*'),
    exact: new Set(res),
    anySubresourceOf: new Set(res.filter((r) => r.endsWith('/*')).map((r) => r.slice(0, -2))),
    subresourceOfAny: new Set(res.filter((r) => r.startsWith('*/')).map((r) => r.slice(2))),
  };
}

function entryMatches(e: GroupEntry, a: RequestAttributes): boolean {
  // Validation forbids resourceNames without resources; upstream then ignores the names (checker.go L193-195).
  if (e.all) return true;
  if (e.names !== null && !e.names.has(a.name)) return false;
  if (e.anyResource || e.anySubresourceOf.has(a.resource)) return true;
  if (a.subresource === '') return e.exact.has(a.resource);
  return e.exact.has(`${a.resource}/${a.subresource}`) || e.subresourceOfAny.has(a.subresource);
}
