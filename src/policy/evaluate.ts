// First matching rule wins; no match means level None (checker.go EvaluatePolicyRule L64-80).
import type { RequestAttributes } from '../event/attributes';
import type { CompiledPolicy, CompiledRule, RuleField } from './compile';
import type { Decision } from './types';

export function evaluateAttributes(policy: CompiledPolicy, attrs: RequestAttributes): Decision {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, attrs)) return rule.decision;
  }
  return policy.fallback;
}

function ruleMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  for (const check of rule.checks) {
    if (!check.test(attrs)) return false;
  }
  return true;
}

/** Why a rule did or did not decide: the fields it matched on, or the first field that failed. */
export interface RuleExplanation {
  readonly rule: number;
  readonly matched: boolean;
  /** For the deciding rule: every criterion it has (all matched). Empty for a catch-all rule. */
  readonly matchedFields: readonly RuleField[];
  /** For a rule that did not match: the first criterion that failed. */
  readonly failedField: RuleField | null;
}

export interface Explanation {
  readonly decision: Decision;
  /** Every rule up to and including the deciding one, in order. */
  readonly rules: readonly RuleExplanation[];
}

/** The same walk as evaluate, keeping the reasons. Uses the very checks evaluate uses, so they cannot disagree. */
export function explainAttributes(policy: CompiledPolicy, attrs: RequestAttributes): Explanation {
  const rules: RuleExplanation[] = [];
  for (const rule of policy.rules) {
    const failed = rule.checks.find((c) => !c.test(attrs));
    if (failed === undefined) {
      rules.push({ rule: rule.index, matched: true, matchedFields: rule.checks.map((c) => c.field), failedField: null });
      return { decision: rule.decision, rules };
    }
    rules.push({ rule: rule.index, matched: false, matchedFields: [], failedField: failed.field });
  }
  return { decision: policy.fallback, rules };
}
