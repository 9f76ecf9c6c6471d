// Proves the S3 server from globalSetup is real: storage classes, headers and SigV4 behave
// as in Yandex Object Storage.
import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, PutObjectCommand, type StorageClass } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, getObjectBytes, headObject, listKeys, s3TestEnv, testS3Client } from './s3';

describe('local S3 server', () => {
  const s3 = testS3Client();
  let bucket: string;

  beforeAll(async () => {
    bucket = await createTestBucket('smoke');
  });

  it('stores a COLD object and echoes its storage class and headers', async () => {
    const body = gzipSync('{"kind":"Event"}\n');
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'audit/1.json.gz',
        Body: body,
        StorageClass: 'COLD' as StorageClass,
        ContentType: 'application/x-ndjson',
        ContentEncoding: 'gzip',
        Metadata: { events: '1' },
      }),
    );

    expect(await headObject(bucket, 'audit/1.json.gz')).toEqual({
      StorageClass: 'COLD',
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
      ContentLength: body.length,
      Metadata: { events: '1' },
    });
    expect(await getObjectBytes(bucket, 'audit/1.json.gz')).toEqual(body);
    expect(await listKeys(bucket)).toEqual(['audit/1.json.gz']);
    expect(await listKeys(bucket, 'other/')).toEqual([]);
  });

  it('refuses an unknown storage class', async () => {
    const put = s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', StorageClass: 'NO_SUCH_CLASS' as StorageClass }),
    );
    await expect(put).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(await listKeys(bucket)).not.toContain('x');
  });

  it('refuses a wrong secret', async () => {
    const { accessKeyId } = s3TestEnv();
    const forged = testS3Client({ credentials: { accessKeyId, secretAccessKey: 'not-the-secret' } });
    const error = await forged.send(new ListObjectsV2Command({ Bucket: bucket })).then(
      () => undefined,
      (e: unknown) => e as { name?: string; $metadata?: { httpStatusCode?: number } },
    );
    expect(error, 'request with a wrong secret succeeded').toBeDefined();
    expect(
      error?.$metadata?.httpStatusCode === 403 ||
        ['SignatureDoesNotMatch', 'InvalidAccessKeyId'].includes(error?.name ?? ''),
      `expected 403, got ${error?.name} (${error?.$metadata?.httpStatusCode})`,
    ).toBe(true);
  });
});
