// Where CLI output goes: stdout, a directory (the local default; objects named as the function names them),
// or s3://bucket/prefix (the function's own S3 sink and environment variables).
import { readS3Connection } from '../config';
import { ConfigError } from '../errors';
import { DirectorySink } from '../sink/directory';
import type { Sink } from '../sink/types';
import { UsageError } from './common';

export type Destination =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

export function parseDestination(value: string | undefined): Destination {
  if (value === undefined || value === '-') return { kind: 'stdout' };
  if (value.startsWith('s3://')) {
    const [bucket = '', ...rest] = value.slice(5).split('/');
    if (bucket === '') throw new UsageError(`--out ${value}: no bucket; expected s3://bucket[/prefix]`);
    return { kind: 's3', bucket, prefix: rest.filter((s) => s !== '').join('/') };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new UsageError(`--out ${value}: only s3:// URLs, directories and - (stdout) are supported`);
  return { kind: 'dir', path: value };
}

/**
 * A sink for a directory or S3 destination. S3 takes the function's variables (S3_ENDPOINT, S3_REGION,
 * S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) or an IAM token (--iam-token, or YC_TOKEN).
 * The SDK is loaded only here, only for S3.
 */
export async function openSink(dest: Exclude<Destination, { kind: 'stdout' }>, env: NodeJS.ProcessEnv, iamToken: string | undefined, dirBucket = ''): Promise<Sink> {
  if (dest.kind === 'dir') return new DirectorySink(dest.path, dirBucket);
  const conn = readS3Connection(env);
  const token = iamToken ?? env.YC_TOKEN;
  if (conn.staticKeys === null && (token === undefined || token === '')) {
    throw new ConfigError('AWS_ACCESS_KEY_ID', 'S3 output needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give an IAM token with --iam-token or YC_TOKEN (e.g. YC_TOKEN=$(yc iam create-token))');
  }
  const { S3Sink } = await import('../sink/s3');
  return new S3Sink({
    bucket: dest.bucket,
    prefix: dest.prefix,
    endpoint: conn.endpoint,
    region: conn.region,
    forcePathStyle: conn.forcePathStyle,
    credentials: conn.staticKeys !== null ? { kind: 'static', ...conn.staticKeys } : { kind: 'iam-token', token: () => token },
  });
}
