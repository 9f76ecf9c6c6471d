// Rules that can never decide anything, because an earlier rule matches every request they would match
// (first match wins). Conservative: a rule is reported only when coverage is certain from the rules alone.
import type { GroupResources, Policy, PolicyRule } from './types';

export interface Shadowed {
  readonly rule: number;
  readonly by: number;
}

export function shadowedRules(policy: Pick<Policy, 'rules'>): Shadowed[] {
  const out: Shadowed[] = [];
  policy.rules.forEach((rule, j) => {
    const by = policy.rules.slice(0, j).findIndex((earlier) => covers(earlier, rule));
    if (by !== -1) out.push({ rule: j, by });
  });
  return out;
}

/** Does rule `a` match every request that rule `b` matches? */
export function covers(a: PolicyRule, b: PolicyRule): boolean {
  return subset(a.users, b.users) && subset(a.userGroups, b.userGroups) && subset(a.verbs, b.verbs) && coversTarget(a, b);
}

/** An empty list in `a` allows anything; otherwise `b` must be restricted to a subset of it. */
function subset(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 0 || (b.length > 0 && b.every((x) => a.includes(x)));
}

function kind(r: PolicyRule): 'any' | 'resource' | 'nonResource' {
  if (r.namespaces.length > 0 || r.resources.length > 0) return 'resource';
  return r.nonResourceURLs.length > 0 ? 'nonResource' : 'any';
}

function coversTarget(a: PolicyRule, b: PolicyRule): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === 'any') return true;
  if (ka !== kb) return false;
  if (ka === 'nonResource') return b.nonResourceURLs.every((q) => a.nonResourceURLs.some((p) => urlCovers(p, q)));
  return subset(a.namespaces, b.namespaces)
    && (a.resources.length === 0 || (b.resources.length > 0 && b.resources.every((gb) => a.resources.some((ga) => groupCovers(ga, gb)))));
}

function urlCovers(p: string, q: string): boolean {
  if (p === '*' || p === q) return true;
  if (q === '*' || !p.endsWith('*')) return false;
  return q.replace(/\*+$/, '').startsWith(p.replace(/\*+$/, ''));
}

function groupCovers(a: GroupResources, b: GroupResources): boolean {
  if (a.group !== '*' && a.group !== b.group) return false;
  if (a.resources.length === 0) return true; // every resource of the group; names are then ignored upstream
  if (!subset(a.resourceNames, b.resourceNames)) return false;
  const bPatterns = b.resources.length === 0 ? ['*'] : b.resources;
  return bPatterns.every((q) => a.resources.some((p) => resourceCovers(p, q)));
}

/** Does resource pattern p match every request resource pattern q matches? (checker.go L196-212 forms) */
function resourceCovers(p: string, q: string): boolean {
  if (p === '*' || p === q) return true;
  if (p.endsWith('/*') && !p.startsWith('*/')) {
    const parent = p.slice(0, -2);
    return q === parent || q.startsWith(`${parent}/`);
  }
  if (p.startsWith('*/') && p !== '*/*') return q !== '*' && q.endsWith(p.slice(1)) && q !== p.slice(1);
  return false;
}
