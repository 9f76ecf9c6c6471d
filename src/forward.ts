// One trigger invocation, end to end: decode the payload, route every entry, apply the policy, group kept events
// by cluster into objects, name them, encode them, store them. Every entry is accounted for exactly once:
//   entries = kept + dropped.policy + dropped.stage + skipped + quarantined
// Throws only when an object could not be stored (so the trigger retries the batch); keys are deterministic,
// so the retry overwrites what the failed attempt managed to write.
import { nanoid } from 'nanoid';
import { eventTime } from './batch/event-time';
import { objectId } from './batch/key-template';
import { planObjects, type PlannedRecord } from './batch/plan';
import { serializeEvent } from './batch/truncate';
import { writeObject, type StoredObject } from './batch/write-object';
import type { ForwarderConfig } from './config';
import { StorageWriteError } from './errors';
import { stringifyJson } from './json';
import { applyDecision } from './policy/apply';
import type { Sink } from './sink/types';
import { decodeTrigger, type DecodedMessage } from './trigger/decode';

export interface ForwardDeps {
  readonly config: ForwarderConfig;
  readonly sink: Sink;
  /** Milliseconds left in the invocation (context.getRemainingTimeInMillis); absent = no deadline. */
  readonly remainingMs?: () => number;
  /** Used for messages without event_metadata.event_id (uploads cannot be idempotent then). */
  readonly newId?: () => string;
  readonly now?: () => number;
}

export type { StoredObject };

export interface BatchSummary {
  messages: number;
  entries: number;
  audit: number;
  kept: number;
  dropped: { policy: number; stage: number };
  skipped: number;
  quarantined: number;
  truncated: number;
  objects: StoredObject[];
}

/** Leave this much of the invocation unused: the runtime needs time to return, and a retry is cheaper than a kill. */
export const DEADLINE_MARGIN_MS = 1000;

export async function forwardTrigger(payload: unknown, deps: ForwardDeps): Promise<BatchSummary> {
  const messages = decodeTrigger(payload);
  const summary: BatchSummary = {
    messages: messages.length, entries: 0, audit: 0, kept: 0, dropped: { policy: 0, stage: 0 },
    skipped: 0, quarantined: 0, truncated: 0, objects: [],
  };
  for (const message of messages) {
    const { events, quarantine } = routeMessage(message, deps.config, summary);
    const messageId = message.eventId ?? (deps.newId ?? nanoid)();
    const fallbackTime = message.createdAt ?? (deps.now ?? Date.now)();
    const max = deps.config.maxObjectBytes;
    for (const [kind, objects, template] of [
      ['events', planObjects(events, max), deps.config.keyTemplate],
      ['quarantine', planObjects(quarantine, max), deps.config.quarantineTemplate],
    ] as const) {
      for (const object of objects) {
        summary.objects.push(await writeObject(deps.sink, object, {
          kind, template, fallbackTime,
          id: objectId(messageId, object.cluster, kind, object.part),
          compression: deps.config.compression,
          storageClass: deps.config.storageClass,
          signal: (key) => deadlineSignal(key, deps.remainingMs),
        }));
      }
    }
  }
  return summary;
}

function routeMessage(message: DecodedMessage, config: ForwarderConfig, summary: BatchSummary): { events: PlannedRecord[]; quarantine: PlannedRecord[] } {
  const events: PlannedRecord[] = [];
  const quarantine: PlannedRecord[] = [];
  for (const entry of message.entries) {
    summary.entries++;
    const cluster = entry.source.clusterId ?? config.clusterId;
    if (entry.kind === 'skipped') {
      summary.skipped++;
    } else if (entry.kind === 'quarantined') {
      summary.quarantined++;
      const line = stringifyJson({ reason: entry.reason, path: entry.source.path, messageId: message.eventId, entry: entry.raw ?? null });
      quarantine.push({ cluster, line, bytes: Buffer.byteLength(line, 'utf8'), time: entry.source.time ?? message.createdAt });
    } else {
      summary.audit++;
      const decision = config.policy.evaluate(entry.event);
      const reduced = applyDecision(entry.event, decision);
      if (reduced === null) {
        if (decision.level === 'None') summary.dropped.policy++;
        else summary.dropped.stage++;
        continue;
      }
      summary.kept++;
      const s = serializeEvent(reduced, config.maxEventBytes);
      if (s.truncated) summary.truncated++;
      events.push({ cluster, line: s.line, bytes: s.bytes, time: eventTime(reduced) ?? entry.source.time });
    }
  }
  return { events, quarantine };
}

function deadlineSignal(key: string, remainingMs: (() => number) | undefined): AbortSignal | undefined {
  if (remainingMs === undefined) return undefined;
  const budget = remainingMs() - DEADLINE_MARGIN_MS;
  if (budget <= 0) throw new StorageWriteError(key, `not enough time left in the invocation to store ${key}; the trigger will retry`);
  return AbortSignal.timeout(budget);
}
