// Is a parsed JSON value an audit event we can decide on? Old logs must pass (no apiVersion, v1beta1, extra
// fields, missing optional fields); records that would make a decision meaningless must not (no stage, no verb,
// wrong types). The reason names the field, for `FILE:LINE: reason` reports and quarantine records.
import { isLevel, isStage, LEVELS, STAGES, type AuditEvent } from './types';
import { isObject } from '../json';

export type EventCheck = { readonly ok: true; readonly event: AuditEvent } | { readonly ok: false; readonly reason: string };

export function checkAuditEvent(value: unknown): EventCheck {
  const reason = problem(value);
  return reason === null ? { ok: true, event: value as AuditEvent } : { ok: false, reason };
}

/** True for anything that says it is an audit event: apiVersion audit.k8s.io/* and kind Event. */
export function claimsToBeAuditEvent(value: unknown): boolean {
  if (!isObject(value)) return false;
  return typeof value.apiVersion === 'string' && value.apiVersion.startsWith('audit.k8s.io/') && value.kind === 'Event';
}

function problem(value: unknown): string | null {
  if (!isObject(value)) return `not an audit event: expected a JSON object, got ${describe(value)}`;
  const e = value;
  if (e.kind !== undefined && e.kind !== 'Event') return `kind: expected "Event", got ${describe(e.kind)}`;
  if (e.apiVersion !== undefined && !(typeof e.apiVersion === 'string' && e.apiVersion.startsWith('audit.k8s.io/'))) {
    return `apiVersion: expected audit.k8s.io/*, got ${describe(e.apiVersion)}`;
  }
  if (e.stage === undefined) return 'stage: missing';
  if (!isStage(e.stage)) return `stage: expected one of ${STAGES.join(', ')}, got ${describe(e.stage)}`;
  if (e.level === undefined) return 'level: missing';
  if (!isLevel(e.level)) return `level: expected one of ${LEVELS.join(', ')}, got ${describe(e.level)}`;
  if (e.verb === undefined) return 'verb: missing';
  if (typeof e.verb !== 'string') return `verb: expected a string, got ${describe(e.verb)}`;
  if (e.requestURI === undefined) return 'requestURI: missing';
  if (typeof e.requestURI !== 'string') return `requestURI: expected a string, got ${describe(e.requestURI)}`;
  return optionalString(e, 'auditID') ?? userProblem(e.user) ?? objectRefProblem(e.objectRef) ?? annotationsProblem(e.annotations)
    ?? optionalString(e, 'stageTimestamp') ?? optionalString(e, 'requestReceivedTimestamp');
}

function userProblem(user: unknown): string | null {
  if (user === undefined || user === null) return null;
  if (!isObject(user)) return `user: expected an object, got ${describe(user)}`;
  if (user.username !== undefined && user.username !== null && typeof user.username !== 'string') return `user.username: expected a string, got ${describe(user.username)}`;
  if (user.groups !== undefined && user.groups !== null
    && !(Array.isArray(user.groups) && user.groups.every((g) => typeof g === 'string'))) {
    return `user.groups: expected a list of strings, got ${describe(user.groups)}`;
  }
  return null;
}

const OBJECT_REF_FIELDS = ['resource', 'namespace', 'name', 'apiGroup', 'subresource'] as const;

function objectRefProblem(ref: unknown): string | null {
  if (ref === undefined || ref === null) return null;
  if (!isObject(ref)) return `objectRef: expected an object, got ${describe(ref)}`;
  for (const f of OBJECT_REF_FIELDS) {
    if (ref[f] !== undefined && ref[f] !== null && typeof ref[f] !== 'string') return `objectRef.${f}: expected a string, got ${describe(ref[f])}`;
  }
  return null;
}

function annotationsProblem(annotations: unknown): string | null {
  if (annotations === undefined || annotations === null || isObject(annotations)) return null;
  return `annotations: expected an object, got ${describe(annotations)}`;
}

function optionalString(e: Record<string, unknown>, field: string): string | null {
  const v = e[field];
  return v === undefined || v === null || typeof v === 'string' ? null : `${field}: expected a string, got ${describe(v)}`;
}


function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
