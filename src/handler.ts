// The Yandex Cloud Function entry point (index.handler). It only composes: configuration and the S3 client are
// built once per container; each invocation forwards the trigger payload and logs one JSON summary line.
// A configuration error fails every invocation with the same message (naming the variable), so that it is seen.
import { readForwarderConfig, readS3Config, type ForwarderConfig } from './config';
import { forwardTrigger, type BatchSummary } from './forward';
import { S3Sink } from './sink/s3';
import type { Sink } from './sink/types';

/** The parts of the Cloud Functions context we use (../shared/docs/yandex-cloud.md §3.3). */
export interface FunctionContext {
  readonly requestId?: string;
  readonly token?: { readonly access_token?: string };
  getRemainingTimeInMillis?(): number;
}

interface Container {
  readonly config: ForwarderConfig;
  readonly sink: Sink;
}

let container: { ok: true; value: Container } | { ok: false; error: Error } | undefined;
/** The IAM token of the invocation in progress (one invocation at a time per instance by default). */
let currentToken: string | undefined;

function setUp(env: NodeJS.ProcessEnv): Container {
  const config = readForwarderConfig(env);
  const s3 = readS3Config(env);
  const sink = new S3Sink({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.staticKeys !== null ? { kind: 'static', ...s3.staticKeys } : { kind: 'iam-token', token: () => currentToken },
  });
  return { config, sink };
}

export async function handler(event: unknown, context: FunctionContext = {}): Promise<BatchSummary> {
  if (container === undefined) {
    try {
      container = { ok: true, value: setUp(process.env) };
    } catch (err) {
      container = { ok: false, error: err as Error };
    }
  }
  if (!container.ok) {
    log({ level: 'ERROR', msg: 'configuration error', error: container.error.message });
    throw container.error;
  }
  currentToken = context.token?.access_token;
  const started = Date.now();
  const remaining = context.getRemainingTimeInMillis?.bind(context);
  try {
    const summary = await forwardTrigger(event, { ...container.value, ...(remaining ? { remainingMs: remaining } : {}) });
    log({ level: 'INFO', msg: 'batch stored', requestId: context.requestId, policy: container.value.config.policySource, ...summary, durationMs: Date.now() - started });
    return summary;
  } catch (err) {
    log({ level: 'ERROR', msg: 'batch not stored; the trigger will retry it', requestId: context.requestId, error: (err as Error).message, durationMs: Date.now() - started });
    throw err;
  } finally {
    currentToken = undefined;
  }
}

/** One JSON line per record: Cloud Logging parses it into json_payload. Never bodies, never credentials. */
function log(record: Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}

/** For tests: forget the cached configuration and client, as a new container would. */
export function resetContainer(): void {
  container = undefined;
}
