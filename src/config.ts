// The function's configuration, read once from the environment through typed readers. Every error names the
// variable. Defaults are written down here and in the README's table.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import defaultPolicyText from '../policy/audit-policy.yaml?raw';
import { DEFAULT_KEY_TEMPLATE, DEFAULT_QUARANTINE_TEMPLATE, parseKeyTemplate, type KeyTemplate } from './batch/key-template';
import type { Compression } from './batch/encode';
import { ConfigError, PolicyError } from './errors';
import type { AuditPolicy } from './policy/audit-policy';
import { loadPolicy } from './policy/load';

export interface ForwarderConfig {
  readonly policy: AuditPolicy;
  /** Where the policy came from, for the summary: `bundled`, `AUDIT_POLICY`, or the file path. */
  readonly policySource: string;
  readonly keyTemplate: KeyTemplate;
  readonly quarantineTemplate: KeyTemplate;
  /** Cluster id for entries that do not come from a k8s.cluster resource. @default "unknown" */
  readonly clusterId: string;
  readonly compression: Compression;
  /** @default "COLD" */
  readonly storageClass: string;
  /** Uncompressed NDJSON bytes per object before it is split into parts. @default 64 MiB */
  readonly maxObjectBytes: number;
  /** Events larger than this lose their bodies (kube's truncate backend). @default 256 KiB */
  readonly maxEventBytes: number;
}

export interface S3EnvConfig {
  readonly bucket: string;
  readonly endpoint: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** Static keys when both are set; null means "use the IAM token". */
  readonly staticKeys: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
}

export const DEFAULTS = {
  KEY_TEMPLATE: DEFAULT_KEY_TEMPLATE,
  QUARANTINE_KEY_TEMPLATE: DEFAULT_QUARANTINE_TEMPLATE,
  CLUSTER_ID: 'unknown',
  COMPRESSION: 'gzip',
  STORAGE_CLASS: 'COLD',
  MAX_OBJECT_BYTES: 64 * 1024 * 1024,
  MAX_EVENT_BYTES: 256 * 1024,
  S3_ENDPOINT: 'https://storage.yandexcloud.net',
  S3_REGION: 'ru-central1',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

export function readForwarderConfig(env: Env, cwd: string = process.cwd()): ForwarderConfig {
  const output = readOutputConfig(env);
  const { policy, source } = readPolicy(env, cwd);
  return { policy, policySource: source, ...output };
}

/** Everything but the policy: how objects are named, encoded and sized (the CLI's object outputs use it alone). */
export type OutputConfig = Omit<ForwarderConfig, 'policy' | 'policySource'>;

export function readOutputConfig(env: Env): OutputConfig {
  const compression = oneOf(env, 'COMPRESSION', ['gzip', 'none'], DEFAULTS.COMPRESSION);
  return {
    keyTemplate: template(env, 'KEY_TEMPLATE', DEFAULTS.KEY_TEMPLATE, compression),
    quarantineTemplate: template(env, 'QUARANTINE_KEY_TEMPLATE', DEFAULTS.QUARANTINE_KEY_TEMPLATE, compression),
    clusterId: str(env, 'CLUSTER_ID') ?? DEFAULTS.CLUSTER_ID,
    compression,
    storageClass: str(env, 'STORAGE_CLASS') ?? DEFAULTS.STORAGE_CLASS,
    maxObjectBytes: positiveInt(env, 'MAX_OBJECT_BYTES', DEFAULTS.MAX_OBJECT_BYTES),
    maxEventBytes: positiveInt(env, 'MAX_EVENT_BYTES', DEFAULTS.MAX_EVENT_BYTES),
  };
}

export function readS3Config(env: Env): S3EnvConfig {
  const bucket = str(env, 'BUCKET_NAME');
  if (bucket === undefined) throw new ConfigError('BUCKET_NAME', 'BUCKET_NAME is not set: the Object Storage bucket to write audit logs to');
  return { bucket, ...readS3Connection(env) };
}

/** Endpoint, region, addressing and static keys: everything but the bucket (the CLI takes that from s3://). */
export function readS3Connection(env: Env): Omit<S3EnvConfig, 'bucket'> {
  const accessKeyId = str(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = str(env, 'AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const missing = accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
    throw new ConfigError(missing, `${missing} is not set, but its pair is: set both for static keys, or neither to use the function's IAM token`);
  }
  return {
    endpoint: str(env, 'S3_ENDPOINT') ?? DEFAULTS.S3_ENDPOINT,
    region: str(env, 'S3_REGION') ?? DEFAULTS.S3_REGION,
    forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', false),
    staticKeys: accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : null,
  };
}

/** AUDIT_POLICY (inline YAML/JSON) wins over AUDIT_POLICY_FILE, which wins over the bundled policy. */
function readPolicy(env: Env, cwd: string): { policy: AuditPolicy; source: string } {
  const inline = str(env, 'AUDIT_POLICY');
  if (inline !== undefined) return { policy: policyFrom('AUDIT_POLICY', () => loadPolicy(inline)), source: 'AUDIT_POLICY' };
  const file = str(env, 'AUDIT_POLICY_FILE');
  if (file !== undefined) {
    const path = resolve(cwd, file);
    return {
      policy: policyFrom('AUDIT_POLICY_FILE', () => {
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (err) {
          throw new PolicyError(`cannot read ${path}: ${(err as Error).message}`);
        }
        return loadPolicy(text);
      }),
      source: file,
    };
  }
  return { policy: loadPolicy(defaultPolicyText), source: 'bundled policy/audit-policy.yaml' };
}

function policyFrom(variable: string, load: () => AuditPolicy): AuditPolicy {
  try {
    return load();
  } catch (err) {
    if (err instanceof PolicyError) throw new ConfigError(variable, `${variable}: invalid audit policy: ${err.message}`, { cause: err });
    throw err;
  }
}

function template(env: Env, name: string, fallback: string, compression: Compression): KeyTemplate {
  const value = str(env, name) ?? fallback;
  if (compression === 'none' && /\.gz$/.test(value)) {
    throw new ConfigError(name, `${name}: "${value}" ends in .gz but COMPRESSION=none; use {ext} or change one of them`);
  }
  return parseKeyTemplate(value, name);
}

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(name, `${name}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const v = str(env, name);
  return v === undefined ? fallback : parseByteCount(v, name);
}

/** A positive whole number of bytes; `name` (a variable or a flag) is named in the error. */
export function parseByteCount(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(name, `${name}: "${value}" is not a positive whole number of bytes`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = str(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(name, `${name}: "${v}" is not a boolean (true/false)`);
}
