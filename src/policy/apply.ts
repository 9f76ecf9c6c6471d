// Applying a decision to a logged event: what kube-apiserver would have written (spec §6, §7).
// Copy-on-write: the input is never mutated, and when nothing changes the input object itself is returned,
// so callers can write the original bytes of an unchanged event.
import { levelRank, type AuditEvent } from '../event/types';
import type { Decision } from './types';
import { isObject } from '../json';

const REQUEST = levelRank('Request');
const REQUEST_RESPONSE = levelRank('RequestResponse');
// Annotations recorded at level Request: mutating webhook patches
// (admission/plugin/webhook/mutating/dispatcher.go L454, admission/attributes.go L120-134).
const REQUEST_LEVEL_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';

/** The event as the policy would have logged it, or null when it would not have been logged at all. */
export function applyDecision(event: AuditEvent, d: Decision): AuditEvent | null {
  if (d.level === 'None' || d.omitStages.includes(event.stage)) return null;
  let out = event;
  const rank = levelRank(d.level);
  // Only ever lower: a line cannot regain bodies that were never recorded (spec §7, §8.8).
  if (rank < levelRank(event.level)) out = lowerLevel(event, d.level, rank);
  if (d.omitManagedFields) out = withoutManagedFields(out);
  return out;
}

function lowerLevel(event: AuditEvent, level: AuditEvent['level'], rank: number): AuditEvent {
  const out: AuditEvent = { ...event, level };
  if (rank < REQUEST_RESPONSE) delete out.responseObject;
  if (rank < REQUEST) {
    delete out.requestObject;
    const annotations = event.annotations;
    if (isObject(annotations) && Object.keys(annotations).some(isRequestLevelAnnotation)) {
      const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !isRequestLevelAnnotation(k)));
      if (Object.keys(kept).length > 0) out.annotations = kept;
      else delete out.annotations;
    }
  }
  return out;
}

function isRequestLevelAnnotation(key: string): boolean {
  return key.startsWith(REQUEST_LEVEL_ANNOTATION_PREFIX);
}

// request.go LogRequestObject/LogResponseObject strip managedFields; a patch's requestObject is the raw
// patch (LogRequestPatch) and is logged as sent.
function withoutManagedFields(event: AuditEvent): AuditEvent {
  const req = event.verb !== 'patch' ? stripManagedFields(event.requestObject) : event.requestObject;
  const res = stripManagedFields(event.responseObject);
  if (req === event.requestObject && res === event.responseObject) return event;
  const out: AuditEvent = { ...event };
  if (req !== event.requestObject) out.requestObject = req;
  if (res !== event.responseObject) out.responseObject = res;
  return out;
}

/**
 * The JSON view of copyWithoutManagedFields (pkg/audit/request.go L237-297): the object's own
 * metadata.managedFields, each list item's, and each Table row object's. Returns the input when there is
 * nothing to strip; copies only the path to what it removes.
 */
export function stripManagedFields(obj: unknown): unknown {
  if (!isObject(obj)) return obj;
  let out = obj;
  const set = (key: string, value: unknown): void => {
    if (out === obj) out = { ...obj };
    out[key] = value;
  };
  const metadata = withoutKey(obj.metadata, 'managedFields');
  if (metadata !== obj.metadata) set('metadata', metadata);
  if (Array.isArray(obj.items)) {
    const items = mapChanged(obj.items, (item) => isObject(item) ? withChild(item, 'metadata', withoutKey(item.metadata, 'managedFields')) : item);
    if (items !== obj.items) set('items', items);
  }
  if (obj.kind === 'Table' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('meta.k8s.io/') && Array.isArray(obj.rows)) {
    const rows = mapChanged(obj.rows, (row) => isObject(row) && isObject(row.object)
      ? withChild(row, 'object', withChild(row.object, 'metadata', withoutKey(row.object.metadata, 'managedFields')))
      : row);
    if (rows !== obj.rows) set('rows', rows);
  }
  return out;
}

function withoutKey(value: unknown, key: string): unknown {
  if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return value;
  const { [key]: _removed, ...rest } = value;
  return rest;
}

function withChild(parent: Record<string, unknown>, key: string, child: unknown): Record<string, unknown> {
  return parent[key] === child ? parent : { ...parent, [key]: child };
}

function mapChanged<T>(items: readonly T[], f: (item: T) => T): readonly T[] {
  let out: T[] | null = null;
  items.forEach((item, i) => {
    const next = f(item);
    if (next !== item) (out ??= items.slice())[i] = next;
  });
  return out ?? items;
}

