// Words for `explain --why`: each criterion of a rule, next to what the request had.
import type { RequestAttributes } from '../event/attributes';
import type { RuleField } from '../policy/compile';
import type { Explanation } from '../policy/evaluate';
import type { PolicyRule } from '../policy/types';

export interface WhyReport {
  /** The deciding rule and what it matched on (null when no rule matched: default level None). */
  readonly decidedBy: { readonly rule: number; readonly matched: readonly string[] } | null;
  /** Every earlier rule, with the first criterion that failed. */
  readonly earlier: ReadonlyArray<{ readonly rule: number; readonly failed: string }>;
}

export function whyReport(explanation: Explanation, rules: readonly PolicyRule[], a: RequestAttributes): WhyReport {
  const earlier = explanation.rules.filter((r) => !r.matched)
    .map((r) => ({ rule: r.rule, failed: describe(r.failedField!, rules[r.rule]!, a, false) }));
  const decided = explanation.rules.find((r) => r.matched);
  const decidedBy = decided === undefined ? null : {
    rule: decided.rule,
    matched: decided.matchedFields.length === 0 ? ['(no criteria: matches every request)'] : decided.matchedFields.map((f) => describe(f, rules[decided.rule]!, a, true)),
  };
  return { decidedBy, earlier };
}

function describe(field: RuleField, rule: PolicyRule, a: RequestAttributes, ok: boolean): string {
  const isIn = ok ? 'in' : 'not in';
  switch (field) {
    case 'users':
      return a.user === null ? 'users: no authenticated user' : `users: ${q(a.user.name)} ${isIn} ${list(rule.users)}`;
    case 'userGroups':
      return a.user === null ? 'userGroups: no authenticated user' : `userGroups: ${list(a.user.groups)} ${ok ? 'overlaps' : 'has none of'} ${list(rule.userGroups)}`;
    case 'verbs':
      return `verbs: ${q(a.verb)} ${isIn} ${list(rule.verbs)}`;
    case 'resourceRequest':
      return ok ? 'a resource request' : `not a resource request (path ${q(a.path)}), and the rule names namespaces or resources`;
    case 'namespaces':
      return `namespaces: ${q(a.namespace)} ${isIn} ${list(rule.namespaces)}`;
    case 'resources': {
      const res = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
      const name = a.name === '' ? '' : ` name ${q(a.name)}`;
      const specs = rule.resources.map((g) => `${q(g.group)}:${list(g.resources)}${g.resourceNames.length > 0 ? ` names ${list(g.resourceNames)}` : ''}`);
      return `resources: group ${q(a.apiGroup)} resource ${q(res)}${name} ${ok ? 'matches' : 'matches none of'} [${specs.join(', ')}]`;
    }
    case 'nonResourceRequest':
      return ok ? 'a non-resource request' : 'a resource request, and the rule names only nonResourceURLs';
    case 'nonResourceURLs':
      return `nonResourceURLs: path ${q(a.path)} ${ok ? 'matches' : 'matches none of'} ${list(rule.nonResourceURLs)}`;
  }
}

function q(s: string): string {
  return JSON.stringify(s);
}

function list(items: readonly string[]): string {
  return `[${items.map(q).join(', ')}]`;
}
