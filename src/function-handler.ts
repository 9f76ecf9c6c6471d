// Running the pipeline as a Cloud Function: one container (configuration + sink) built at the first invocation
// and kept while the instance is warm; one JSON summary line per invocation; errors thrown so the trigger retries.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ForwarderConfig } from './config';
import { forwardTrigger, type BatchSummary } from './forward';
import type { Sink } from './sink/types';

/** The parts of the Cloud Functions context we use (../shared/docs/yandex-cloud.md §3.3). */
export interface FunctionContext {
  readonly requestId?: string;
  readonly token?: { readonly access_token?: string };
  getRemainingTimeInMillis?(): number;
}

/** What one container (one warm instance) builds once and keeps. */
export interface Container {
  readonly config: ForwarderConfig;
  readonly sink: Sink;
}

export type FunctionHandler = (event: unknown, context?: FunctionContext) => Promise<BatchSummary>;

/**
 * A handler over a container factory: the deployed function builds an S3 sink; `k8s-audit invoke` builds the
 * same handler over a directory (or S3) sink. The factory runs once, at the first invocation; its error, if any,
 * is the error of every invocation.
 */
export function makeHandler(setUp: (env: NodeJS.ProcessEnv, token: () => string | undefined) => Container): FunctionHandler & { reset(): void } {
  let container: { ok: true; value: Container } | { ok: false; error: Error } | undefined;
  // Each invocation's own IAM token, also when an instance runs several at once (--concurrency): the sink,
  // built once, asks for the token of the invocation it is uploading for.
  const invocationToken = new AsyncLocalStorage<string | undefined>();
  const run = async (event: unknown, context: FunctionContext = {}): Promise<BatchSummary> => {
    if (container === undefined) {
      try {
        container = { ok: true, value: setUp(process.env, () => invocationToken.getStore()) };
      } catch (err) {
        container = { ok: false, error: err as Error };
      }
    }
    if (!container.ok) {
      log({ level: 'ERROR', msg: 'configuration error', error: container.error.message });
      throw container.error;
    }
    const started = Date.now();
    const remaining = context.getRemainingTimeInMillis?.bind(context);
    try {
      const deps = { ...container.value, ...(remaining ? { remainingMs: remaining } : {}) };
      const summary = await invocationToken.run(context.token?.access_token, () => forwardTrigger(event, deps));
      log({ level: 'INFO', msg: 'batch stored', requestId: context.requestId, policy: container.value.config.policySource, ...summary, durationMs: Date.now() - started });
      return summary;
    } catch (err) {
      log({ level: 'ERROR', msg: 'batch not stored; the trigger will retry it', requestId: context.requestId, error: (err as Error).message, durationMs: Date.now() - started });
      throw err;
    }
  };
  return Object.assign(run, { reset: () => { container = undefined; } });
}

/** One JSON line per record: Cloud Logging parses it into json_payload. Never bodies, never credentials. */
function log(record: Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}
