// Yandex Object Storage (or any S3 API) through @aws-sdk/client-s3 — the only module that imports the SDK.
// Auth: static keys (SigV4) when given; otherwise an IAM token sent as `Authorization: Bearer <token>`, which is
// what a Cloud Function with a service account gets in context.token (../shared/docs/yandex-cloud.md §4).
import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client, type StorageClass } from '@aws-sdk/client-s3';
import { StorageWriteError } from '../errors';
import type { PutOptions, PutRequest, Sink } from './types';

export interface S3SinkConfig {
  readonly bucket: string;
  /** Optional key prefix inside the bucket (the CLI's s3://bucket/prefix). */
  readonly prefix?: string;
  readonly endpoint: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials: S3Credentials;
  /** SDK attempts per request (first try included). @default 3 */
  readonly maxAttempts?: number;
}

export type S3Credentials =
  | { readonly kind: 'static'; readonly accessKeyId: string; readonly secretAccessKey: string }
  /** The token is read at every request: a function gets a fresh one with each invocation. */
  | { readonly kind: 'iam-token'; readonly token: () => string | undefined };

export class S3Sink implements Sink {
  readonly description: string;
  readonly #client: S3Client;
  readonly #config: S3SinkConfig;

  constructor(config: S3SinkConfig) {
    this.#config = config;
    this.description = `s3://${config.bucket}${config.prefix ? `/${config.prefix}` : ''} at ${config.endpoint}`;
    this.#client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      maxAttempts: config.maxAttempts ?? 3,
      // Non-AWS S3 services refuse aws-chunked bodies with trailing CRC32 (radosgw: 411); Yandex does not need them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: config.credentials.kind === 'static'
        ? { accessKeyId: config.credentials.accessKeyId, secretAccessKey: config.credentials.secretAccessKey }
        // Signing needs some credentials; the bearer middleware below replaces the signature entirely.
        : { accessKeyId: 'iam-token', secretAccessKey: 'iam-token' },
    });
    const creds = config.credentials;
    if (creds.kind === 'iam-token') {
      this.#client.middlewareStack.add((next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        const token = creds.token();
        if (token === undefined || token === '') {
          throw new Error('no IAM token: the function has no service account (context.token is empty) and no static keys are set');
        }
        request.headers.authorization = `Bearer ${token}`;
        delete request.headers['x-amz-security-token'];
        return next(args);
      }, { step: 'finalizeRequest', priority: 'low', name: 'yandexIamBearerAuth' });
    }
  }

  async put(request: PutRequest, options: PutOptions = {}): Promise<void> {
    const key = this.#config.prefix ? `${this.#config.prefix.replace(/\/+$/, '')}/${request.key}` : request.key;
    try {
      await this.#client.send(new PutObjectCommand({
        Bucket: this.#config.bucket,
        Key: key,
        Body: request.body,
        ContentType: request.contentType,
        ContentEncoding: request.contentEncoding,
        // Content-MD5 lets the server verify the body (and is what Object Lock buckets require).
        ContentMD5: createHash('md5').update(request.body).digest('base64'),
        // The SDK's type is a closed union of AWS classes; Yandex's COLD/ICE are not in it.
        StorageClass: request.storageClass as StorageClass,
      }), { abortSignal: options.signal });
    } catch (err) {
      throw new StorageWriteError(key, `cannot store s3://${this.#config.bucket}/${key}: ${describeError(err)}`, { cause: err });
    }
  }
}

/** The SDK error without anything secret: name, HTTP status and message. */
function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status !== undefined ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
}
