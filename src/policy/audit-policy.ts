// A loaded, validated, compiled policy: the engine's public face.
import { requestAttributes } from '../event/attributes';
import type { AuditEvent } from '../event/types';
import { applyDecision } from './apply';
import { compilePolicy, type CompiledPolicy } from './compile';
import { evaluateAttributes, explainAttributes, type Explanation } from './evaluate';
import type { Decision, Policy } from './types';

export class AuditPolicy {
  /** The policy as decoded: lists never null, levels and stages validated. */
  readonly policy: Policy;
  /** Unknown or duplicate fields that were ignored, as kube-apiserver's lenient decoding ignores them. */
  readonly warnings: readonly string[];
  readonly #compiled: CompiledPolicy;

  constructor(policy: Policy, warnings: readonly string[] = []) {
    this.policy = policy;
    this.warnings = Object.freeze([...warnings]);
    this.#compiled = compilePolicy(policy);
  }

  /** The decision kube-apiserver would have made for the request behind this event. */
  evaluate(event: AuditEvent): Decision {
    return evaluateAttributes(this.#compiled, requestAttributes(event));
  }

  /** evaluate, with the reasons: which fields the deciding rule matched, where each earlier rule failed. */
  explain(event: AuditEvent): Explanation {
    return explainAttributes(this.#compiled, requestAttributes(event));
  }

  /**
   * The event as it would have been logged under this policy, or null when it would not have been.
   * Never mutates the input; returns the input itself when nothing changes.
   */
  apply(event: AuditEvent): AuditEvent | null {
    return applyDecision(event, this.evaluate(event));
  }
}
