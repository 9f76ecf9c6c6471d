// The library: the audit-policy engine, and the types of the events it decides on.
export { loadPolicy, loadPolicyFile } from './policy/load';
export { AuditPolicy } from './policy/audit-policy';
export { AuditFilter } from './policy/audit-filter';
export { validatePolicy } from './policy/validate';
export { stripManagedFields } from './policy/apply';
export { requestAttributes, type RequestAttributes, type RequestUser } from './event/attributes';
export { checkAuditEvent, type EventCheck } from './event/check';
export { LEVELS, STAGES, levelRank, type AuditEvent, type Level, type Stage, type UserInfo, type ObjectReference } from './event/types';
export type { Decision, Policy, PolicyRule, PolicyRuleInput, GroupResources } from './policy/types';
export type { Explanation, RuleExplanation } from './policy/evaluate';
export type { RuleField } from './policy/compile';
export { AuditForwarderError, PolicyError, ConfigError, StorageWriteError, type FieldError } from './errors';
