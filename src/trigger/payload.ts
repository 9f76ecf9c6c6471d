// The Cloud Logging trigger payload, as Yandex Cloud Functions receive it (../shared/docs/yandex-cloud.md §1).
// Both shapes put the entries at messages[].details.messages[]:
//   Logging trigger (LoggingMessageBatch):  {resource{type,id}, timestamp "2021-09-02 18:29:17.118082213 +0000 UTC",
//                                            level, message, json_payload, stream_name?}
//   legacy Cloud Logs (CloudLogsMessageBatch): {log_group_id, log_stream_name, message, timestamp RFC 3339}
import { isObject } from '../json';

export interface TriggerPayload {
  messages: TriggerMessage[];
}

export interface TriggerMessage {
  event_metadata?: {
    event_id?: string;
    event_type?: string;
    created_at?: { seconds?: number | string; nanos?: number };
  };
  details?: { messages?: unknown[] };
}

/** A Logging-trigger entry (yandex/cloud/logging/v1/log_entry.proto LogEntry, as JSON). */
export interface LogEntry {
  uid?: string;
  resource?: { type?: string; id?: string };
  timestamp?: string;
  level?: string;
  message?: string;
  json_payload?: Record<string, unknown>;
  stream_name?: string;
  // legacy Cloud Logs shape
  log_group_id?: string;
  log_stream_name?: string;
}

/** True when the value has the trigger payload's outer shape: messages[] with details or event_metadata. */
export function isTriggerPayload(value: unknown): value is TriggerPayload {
  if (!isObject(value) || !Array.isArray(value.messages)) return false;
  return value.messages.some((m) => isObject(m) && (isObject(m.details) || isObject(m.event_metadata)));
}

/**
 * Time of a log entry or trigger message. Accepts Go's time.String() form (`2021-09-02 18:29:17.118082213 +0000 UTC`,
 * which Date.parse does not read reliably), RFC 3339, and a protobuf Timestamp `{seconds, nanos}`.
 * Returns milliseconds since the epoch, or null.
 */
export function parseTime(value: unknown): number | null {
  if (isObject(value)) {
    const seconds = Number(value.seconds);
    if (!Number.isFinite(seconds)) return null;
    return seconds * 1000 + Math.floor(Number(value.nanos ?? 0) / 1e6);
  }
  if (typeof value !== 'string') return null;
  const go = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})(?: [A-Za-z]+)?$/.exec(value);
  const iso = go === null ? value : `${go[1]}T${go[2]}${(go[3] ?? '').slice(0, 4)}${go[4]}:${go[5]}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
