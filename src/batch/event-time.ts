// The time an audit event happened, for naming the object it is stored in (event time, UTC, not upload time).
import type { AuditEvent } from '../event/types';

/**
 * ms since the epoch from stageTimestamp, else requestReceivedTimestamp, else the v1beta1-era `timestamp`;
 * null when the event has none that parses.
 */
export function eventTime(event: AuditEvent): number | null {
  for (const v of [event.stageTimestamp, event.requestReceivedTimestamp, event.timestamp]) {
    if (typeof v === 'string') {
      const ms = Date.parse(v);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return null;
}
