// Decoding a trigger payload into routed entries: every entry ends up exactly once as an audit event, a skipped
// entry (not audit: apiserver text logs, autoscaler, the function's own log lines) or a quarantined entry (it
// claims to be audit but cannot be decided on). Nothing is dropped here; the policy drops later, and counts.
import { checkAuditEvent } from '../event/check';
import type { AuditEvent } from '../event/types';
import { isObject } from '../json';
import { parseTime, type LogEntry } from './payload';

/** Where an entry sat in the batch, and what its log entry says about its origin. */
export interface EntrySource {
  /** `messages[0].details.messages[3]` — for error reports and quarantine records. */
  readonly path: string;
  /** Index of the trigger message (one object per cluster per trigger message). */
  readonly message: number;
  /** The cluster id when the entry comes from a k8s.cluster resource, else null. */
  readonly clusterId: string | null;
  /** The log entry's timestamp in ms, when it has one. */
  readonly time: number | null;
}

export type RoutedEntry =
  | { readonly kind: 'audit'; readonly source: EntrySource; readonly event: AuditEvent }
  | { readonly kind: 'skipped'; readonly source: EntrySource; readonly reason: string }
  | { readonly kind: 'quarantined'; readonly source: EntrySource; readonly reason: string; readonly raw: unknown };

export interface DecodedMessage {
  readonly index: number;
  /** event_metadata.event_id: what makes a retried invocation rewrite the same keys. */
  readonly eventId: string | null;
  readonly createdAt: number | null;
  readonly entries: readonly RoutedEntry[];
}

/** Decode a payload; a payload that is not a trigger payload at all is one quarantined entry, never an exception. */
export function decodeTrigger(payload: unknown): DecodedMessage[] {
  if (!isObject(payload) || !Array.isArray(payload.messages)) {
    const source: EntrySource = { path: '$', message: 0, clusterId: null, time: null };
    return [{ index: 0, eventId: null, createdAt: null, entries: [{ kind: 'quarantined', source, reason: 'not a trigger payload: no messages[] list', raw: payload }] }];
  }
  return (payload.messages as unknown[]).map((m, i) => decodeMessage(m, i));
}

function decodeMessage(message: unknown, index: number): DecodedMessage {
  const path = `messages[${index}]`;
  const meta = isObject(message) && isObject(message.event_metadata) ? message.event_metadata : {};
  const eventId = typeof meta.event_id === 'string' && meta.event_id !== '' ? meta.event_id : null;
  const createdAt = parseTime(meta.created_at);
  const details = isObject(message) ? message.details : undefined;
  if (!isObject(details) || !Array.isArray(details.messages)) {
    const source: EntrySource = { path, message: index, clusterId: null, time: createdAt };
    return { index, eventId, createdAt, entries: [{ kind: 'quarantined', source, reason: `${path}.details.messages: missing or not a list`, raw: message }] };
  }
  const entries = details.messages.map((entry, j) => routeEntry(entry, { path: `${path}.details.messages[${j}]`, message: index }));
  return { index, eventId, createdAt, entries };
}

export function routeEntry(entry: unknown, at: { path: string; message: number }): RoutedEntry {
  if (!isObject(entry)) {
    return { kind: 'quarantined', source: { ...at, clusterId: null, time: null }, reason: 'log entry is not an object', raw: entry };
  }
  const e = entry as LogEntry;
  const source: EntrySource = {
    ...at,
    clusterId: e.resource?.type === 'k8s.cluster' && typeof e.resource.id === 'string' && e.resource.id !== '' ? e.resource.id : null,
    time: parseTime(e.timestamp),
  };
  const candidate = auditCandidate(e);
  if (candidate.kind === 'not-audit') return { kind: 'skipped', source, reason: candidate.reason };
  if (candidate.kind === 'broken') return { kind: 'quarantined', source, reason: candidate.reason, raw: entry };
  const checked = checkAuditEvent(candidate.value);
  if (!checked.ok) return { kind: 'quarantined', source, reason: `${candidate.field}: ${checked.reason}`, raw: entry };
  return { kind: 'audit', source, event: checked.event };
}

type Candidate =
  | { kind: 'audit'; field: 'json_payload' | 'message'; value: unknown }
  | { kind: 'not-audit'; reason: string }
  | { kind: 'broken'; reason: string };

// json_payload first (MK8s audit entries carry the event there, per Yandex's own exporter), then a message
// that parses to one (the legacy Cloud Logs shape).
function auditCandidate(e: LogEntry): Candidate {
  if (claimsAudit(e.json_payload)) return { kind: 'audit', field: 'json_payload', value: e.json_payload };
  const text = typeof e.message === 'string' ? e.message.trim() : '';
  if (!text.startsWith('{')) return { kind: 'not-audit', reason: 'no audit event in json_payload or message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // Unparsable JSON that mentions the audit group is a damaged audit event, not somebody else's log line.
    if (/"apiVersion"\s*:\s*"audit\.k8s\.io\//.test(text)) {
      return { kind: 'broken', reason: `message: invalid JSON: ${(err as Error).message}` };
    }
    return { kind: 'not-audit', reason: 'message is not an audit event' };
  }
  if (claimsAudit(parsed)) return { kind: 'audit', field: 'message', value: parsed };
  return { kind: 'not-audit', reason: 'message is not an audit event' };
}

// apiVersion audit.k8s.io/*; or, for events from old logs that carry no apiVersion, kind Event with an auditID
// and a stage (a core v1 Event, from the cluster's "events" stream, has apiVersion v1 and is not ours).
function claimsAudit(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (typeof value.apiVersion === 'string') return value.apiVersion.startsWith('audit.k8s.io/');
  return value.apiVersion === undefined && value.kind === 'Event' && 'auditID' in value && 'stage' in value;
}
