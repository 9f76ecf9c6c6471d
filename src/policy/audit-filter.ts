// An editable policy with the seed library's API (k8s-audit-filter's AuditFilter: filter/add/remove rules),
// but with kube-apiserver's semantics: filter(event) is true exactly when apply(event) keeps the event.
import { isDeepStrictEqual } from 'node:util';
import type { AuditEvent } from '../event/types';
import { PolicyError } from '../errors';
import { AuditPolicy } from './audit-policy';
import { decodePolicy, decodeRuleAt, type DecodedRule } from './decode';
import { loadPolicyFile, validated } from './load';
import type { Decision, Policy, PolicyRuleInput } from './types';

const EMPTY: Policy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [], omitStages: [], omitManagedFields: false };

export class AuditFilter {
  #policy: AuditPolicy;

  /**
   * @param policy a policy file path, a policy document (object), a loaded AuditPolicy, or nothing for an
   * empty policy. Unlike the apiserver's loader, a filter may have no rules (yet); it then keeps nothing.
   */
  constructor(policy?: string | object | AuditPolicy) {
    if (policy === undefined) this.#policy = new AuditPolicy(EMPTY);
    else if (policy instanceof AuditPolicy) this.#policy = policy;
    else if (typeof policy === 'string') this.#policy = loadPolicyFile(policy);
    else {
      const { policy: decoded, warnings } = decodePolicy(policy);
      this.#policy = new AuditPolicy(validated(decoded), warnings);
    }
  }

  /** The current policy (replaced, never mutated, by every change). */
  get policy(): AuditPolicy {
    return this.#policy;
  }

  get rules(): Policy['rules'] {
    return this.#policy.policy.rules;
  }

  /** True when the policy would have logged this event (apply would keep it). */
  filter(event: AuditEvent): boolean {
    return this.#policy.apply(event) !== null;
  }

  evaluate(event: AuditEvent): Decision {
    return this.#policy.evaluate(event);
  }

  apply(event: AuditEvent): AuditEvent | null {
    return this.#policy.apply(event);
  }

  /** Append a rule; throws PolicyError (and changes nothing) when it is invalid. */
  addRule(rule: PolicyRuleInput): this {
    return this.addRules([rule]);
  }

  addRules(rules: readonly PolicyRuleInput[]): this {
    const current = this.#policy.policy;
    const warnings: string[] = [];
    const added = rules.map((r, i) => decodeRuleAt(r, current.rules.length + i, warnings));
    this.#replace([...current.rules, ...added], warnings);
    return this;
  }

  /** Remove the first rule equal to the given one; throws PolicyError when there is none. */
  removeRule(rule: PolicyRuleInput): this {
    return this.removeRules([rule]);
  }

  removeRules(rules: readonly PolicyRuleInput[]): this {
    const remaining: DecodedRule[] = [...this.#policy.policy.rules];
    for (const r of rules) {
      const wanted = decodeRuleAt(r, 0, []);
      const at = remaining.findIndex((have) => isDeepStrictEqual(have, wanted));
      if (at === -1) throw new PolicyError(`rule not found in policy: ${JSON.stringify(r)}`);
      remaining.splice(at, 1);
    }
    this.#replace(remaining, []);
    return this;
  }

  #replace(rules: DecodedRule[], warnings: string[]): void {
    const current = this.#policy.policy;
    const next = validated({ rules, omitStages: current.omitStages, omitManagedFields: current.omitManagedFields });
    this.#policy = new AuditPolicy(next, [...this.#policy.warnings, ...warnings]);
  }
}
