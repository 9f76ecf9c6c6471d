#!/usr/bin/env node
// Create a bucket on the local S3 server: node scripts/s3-bucket.mjs NAME
// Reads S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (and S3_REGION) as written by scripts/s3-server.sh
// to DIR/env; an existing bucket of yours is fine.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [name] = process.argv.slice(2);
const { S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey, S3_REGION: region = 'ru-central1' } = process.env;
if (!name || !endpoint || !accessKeyId || !secretAccessKey) {
  console.error('usage: node scripts/s3-bucket.mjs NAME   (with S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY set: . DIR/env)');
  process.exit(1);
}
const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
try {
  await client.send(new CreateBucketCommand({ Bucket: name }));
  console.log(`created s3://${name} at ${endpoint}`);
} catch (err) {
  if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
  console.log(`s3://${name} exists`);
}
