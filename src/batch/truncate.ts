// Over-size events, as kube-apiserver's truncate backend treats them (plugin/pkg/audit/truncate/truncate.go
// L85-88, L122-136): an event of level >= Request that is too large loses requestObject and responseObject,
// keeps its level, and gains the annotation audit.k8s.io/truncated: "true". Upstream then drops an event that
// is still too large; we keep it (nothing is lost), and it is counted as truncated all the same.
import { levelRank, type AuditEvent } from '../event/types';
import { stringifyJson } from '../json';

export const TRUNCATED_ANNOTATION = 'audit.k8s.io/truncated';

export interface Serialized {
  readonly line: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/** The event's NDJSON line (without newline), truncated when it is over maxBytes. Any depth of nesting is written. */
export function serializeEvent(event: AuditEvent, maxBytes: number): Serialized {
  const line = stringifyJson(event);
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes <= maxBytes || levelRank(event.level) < levelRank('Request') || !hasBodies(event)) {
    return { line, bytes, truncated: false };
  }
  return truncate(event);
}

function hasBodies(event: AuditEvent): boolean {
  return event.requestObject !== undefined || event.responseObject !== undefined;
}

function truncate(event: AuditEvent): Serialized {
  const { requestObject: _req, responseObject: _res, ...rest } = event;
  const cut = stringifyJson({ ...rest, annotations: { ...(event.annotations ?? {}), [TRUNCATED_ANNOTATION]: 'true' } });
  return { line: cut, bytes: Buffer.byteLength(cut, 'utf8'), truncated: true };
}
