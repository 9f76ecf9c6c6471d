// The Yandex Cloud Function entry point (index.handler). It only composes: the S3 sink and the configuration,
// built once per container by makeHandler; each invocation forwards the trigger payload and logs one JSON line.
// A configuration error fails every invocation with the same message (naming the variable), so that it is seen.
import { readForwarderConfig, readS3Config } from './config';
import { makeHandler, type Container, type FunctionHandler } from './function-handler';
import { S3Sink } from './sink/s3';

/** The deployed function: Object Storage through the S3 API, static keys or the function's IAM token. */
export function s3Container(env: NodeJS.ProcessEnv, token: () => string | undefined): Container {
  const config = readForwarderConfig(env);
  const s3 = readS3Config(env);
  const sink = new S3Sink({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.staticKeys !== null ? { kind: 'static', ...s3.staticKeys } : { kind: 'iam-token', token },
  });
  return { config, sink };
}

const deployed = makeHandler(s3Container);

/** index.handler */
export const handler: FunctionHandler = deployed;

/** For tests: forget the cached configuration and client, as a new container would. */
export function resetContainer(): void {
  deployed.reset();
}
