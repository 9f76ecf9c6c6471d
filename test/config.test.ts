// Configuration from the environment: defaults, and errors that name the variable.
import { describe, expect, it } from 'vitest';
import { readForwarderConfig, readS3Config } from '../src/config';
import { ConfigError } from '../src/errors';

describe('Function: readForwarderConfig', () => {
  it('has working defaults: the bundled policy, COLD, gzip, 64 MiB objects, 256 KiB events', () => {
    const c = readForwarderConfig({});
    expect(c).toMatchObject({ storageClass: 'COLD', compression: 'gzip', maxObjectBytes: 64 * 1024 * 1024, maxEventBytes: 256 * 1024, clusterId: 'unknown', policySource: 'bundled policy/audit-policy.yaml' });
    expect(c.policy.policy.rules.length).toBeGreaterThan(5);
  });

  it('takes AUDIT_POLICY before AUDIT_POLICY_FILE', () => {
    const c = readForwarderConfig({ AUDIT_POLICY: '{"apiVersion":"audit.k8s.io/v1","rules":[{"level":"None"}]}', AUDIT_POLICY_FILE: '/nonexistent' });
    expect([c.policySource, c.policy.policy.rules.length]).toEqual(['AUDIT_POLICY', 1]);
  });

  it('resolves AUDIT_POLICY_FILE against the working directory', () => {
    const c = readForwarderConfig({ AUDIT_POLICY_FILE: 'policy/examples/gce-audit-policy.yaml' }, `${__dirname}/..`);
    expect(c.policy.policy.rules).toHaveLength(17);
  });

  it.each([
    { env: { AUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nrules:\n- level: Loud\n' }, variable: 'AUDIT_POLICY', message: 'AUDIT_POLICY: invalid audit policy: rules[0].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse"' },
    { env: { AUDIT_POLICY_FILE: '/nonexistent/policy.yaml' }, variable: 'AUDIT_POLICY_FILE', message: /^AUDIT_POLICY_FILE: invalid audit policy: cannot read \/nonexistent\/policy.yaml: ENOENT/ },
    { env: { COMPRESSION: 'zstd' }, variable: 'COMPRESSION', message: 'COMPRESSION: "zstd" is not one of gzip, none' },
    { env: { MAX_OBJECT_BYTES: '64MB' }, variable: 'MAX_OBJECT_BYTES', message: 'MAX_OBJECT_BYTES: "64MB" is not a positive whole number of bytes' },
    { env: { MAX_EVENT_BYTES: '-1' }, variable: 'MAX_EVENT_BYTES', message: 'MAX_EVENT_BYTES: "-1" is not a positive whole number of bytes' },
    { env: { KEY_TEMPLATE: 'AUDIT/{cluster}' }, variable: 'KEY_TEMPLATE', message: /^KEY_TEMPLATE: "AUDIT\/\{cluster\}" has no \{id\}/ },
    { env: { COMPRESSION: 'none', KEY_TEMPLATE: 'A/{id}.ndjson.gz' }, variable: 'KEY_TEMPLATE', message: /ends in \.gz but COMPRESSION=none/ },
    { env: { QUARANTINE_KEY_TEMPLATE: '{nope}' }, variable: 'QUARANTINE_KEY_TEMPLATE', message: /^QUARANTINE_KEY_TEMPLATE: unknown token \{nope\}/ },
  ])('names $variable in its error', ({ env, variable, message }) => {
    let error: unknown;
    try { readForwarderConfig(env); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });
});

describe('Function: readS3Config', () => {
  it('defaults to Yandex Object Storage with the IAM token', () => {
    expect(readS3Config({ BUCKET_NAME: 'b' })).toEqual({ bucket: 'b', endpoint: 'https://storage.yandexcloud.net', region: 'ru-central1', forcePathStyle: false, staticKeys: null });
  });

  it('uses static keys when both are set', () => {
    expect(readS3Config({ BUCKET_NAME: 'b', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', S3_FORCE_PATH_STYLE: 'true' }))
      .toMatchObject({ forcePathStyle: true, staticKeys: { accessKeyId: 'k', secretAccessKey: 's' } });
  });

  it.each([
    { env: {}, variable: 'BUCKET_NAME' },
    { env: { BUCKET_NAME: 'b', AWS_ACCESS_KEY_ID: 'k' }, variable: 'AWS_SECRET_ACCESS_KEY' },
    { env: { BUCKET_NAME: 'b', S3_FORCE_PATH_STYLE: 'maybe' }, variable: 'S3_FORCE_PATH_STYLE' },
  ])('names $variable', ({ env, variable }) => {
    expect(() => readS3Config(env)).toThrow(expect.objectContaining({ variable, message: expect.stringContaining(variable) }));
  });

  it('never puts the secret in an error message', () => {
    expect(() => readS3Config({ BUCKET_NAME: 'b', AWS_SECRET_ACCESS_KEY: 'very-secret' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('very-secret') }));
  });
});
