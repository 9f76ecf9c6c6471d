// Helpers for integration tests against the S3 server that test/support/s3-server.ts
// (vitest globalSetup) starts, or the one named by S3_TEST_ENDPOINT.
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';

export interface S3TestEnv {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export function s3TestEnv(): S3TestEnv {
  const endpoint = process.env.S3_TEST_ENDPOINT;
  const accessKeyId = process.env.S3_TEST_ACCESS_KEY_ID;
  const secretAccessKey = process.env.S3_TEST_SECRET_ACCESS_KEY;
  const region = process.env.S3_TEST_REGION;
  if (!endpoint || !accessKeyId || !secretAccessKey || !region) {
    throw new Error(
      'No S3 test server: S3_TEST_ENDPOINT, S3_TEST_ACCESS_KEY_ID, S3_TEST_SECRET_ACCESS_KEY and S3_TEST_REGION ' +
        "must be set. Add 'test/support/s3-server.ts' to test.globalSetup in the vitest config " +
        '(it starts scripts/s3-server.sh), or set all four to use a running server.',
    );
  }
  return { endpoint, accessKeyId, secretAccessKey, region };
}

export function testS3Client(overrides: Partial<S3ClientConfig> = {}): S3Client {
  const env = s3TestEnv();
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    // Virtual-host style would need DNS for <bucket>.127.0.0.1.
    forcePathStyle: true,
    // The SDK default sends stream bodies aws-chunked with a trailing CRC32, which radosgw refuses (411).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

let shared: S3Client | undefined;
function client(): S3Client {
  shared ??= testS3Client();
  return shared;
}

/** Creates a bucket named `<prefix>-<uuid>` and returns the name. */
export async function createTestBucket(prefix = 'test'): Promise<string> {
  // Bucket names: 3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit;
  // the uuid takes 37 of them.
  const cleaned =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 26)
      .replace(/^-+|-+$/g, '') || 'test';
  const bucket = `${cleaned}-${randomUUID()}`;
  await client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every key in the bucket (under `prefix`), across all pages, sorted. */
export async function listKeys(bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: client() }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) keys.push(object.Key);
    }
  }
  return keys.sort();
}

export async function getObjectBytes(bucket: string, key: string): Promise<Buffer> {
  const { Body } = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) throw new Error(`GetObject s3://${bucket}/${key} returned no body`);
  return Buffer.from(await Body.transformToByteArray());
}

export type ObjectHead = Pick<
  HeadObjectCommandOutput,
  'StorageClass' | 'ContentType' | 'ContentEncoding' | 'ContentLength' | 'Metadata'
>;

export async function headObject(bucket: string, key: string): Promise<ObjectHead> {
  const head = await client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return {
    StorageClass: head.StorageClass,
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentLength: head.ContentLength,
    Metadata: head.Metadata,
  };
}
