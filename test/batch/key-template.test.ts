import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_TEMPLATE, objectId, parseKeyTemplate, renderKey, sanitizeSegment } from '../../src/batch/key-template';
import { ConfigError } from '../../src/errors';

const input = { cluster: 'cat0abc', time: Date.UTC(2026, 10, 29, 3, 4, 5, 678), id: '0123456789abcdef', part: 2, ext: 'ndjson.gz' };

describe('Function: renderKey', () => {
  it.each([
    { template: DEFAULT_KEY_TEMPLATE, key: 'AUDIT/cat0abc/2026-11-29-03:04:05-0123456789abcdef.ndjson.gz' },
    { template: 'audit/cluster={cluster}/date={yyyy}-{MM}-{dd}/{HH}{mm}{ss}-{id}-part{part}.{ext}', key: 'audit/cluster=cat0abc/date=2026-11-29/030405-0123456789abcdef-part2.ndjson.gz' },
    { template: '{id}', key: '0123456789abcdef' },
  ])('$template → $key', ({ template, key }) => {
    expect(renderKey(parseKeyTemplate(template, 'KEY_TEMPLATE'), input)).toBe(key);
  });

  it.each([
    { cluster: '../../etc', rendered: '.._.._etc' },
    { cluster: '..', rendered: '__' },
    { cluster: 'a/b c?d#e%2F', rendered: 'a_b_c_d_e_2F' },
    { cluster: '', rendered: '_' },
    { cluster: 'кластер', rendered: '_______' },
  ])('sanitises the cluster id $cluster to $rendered', ({ cluster, rendered }) => {
    expect(renderKey(parseKeyTemplate('{cluster}/{id}', 'K'), { ...input, cluster })).toBe(`${rendered}/0123456789abcdef`);
  });

  it('caps a sanitised segment at 128 characters', () => {
    expect(sanitizeSegment('x'.repeat(300))).toHaveLength(128);
  });
});

describe('Function: parseKeyTemplate', () => {
  it.each([
    { template: 'AUDIT/{cluster}/{time}-{id}', error: 'KEY_TEMPLATE: unknown token {time} in "AUDIT/{cluster}/{time}-{id}"; tokens are {cluster} {yyyy} {MM} {dd} {HH} {mm} {ss} {id} {part} {ext}' },
    { template: 'AUDIT/{cluster}/{yyyy}', error: 'KEY_TEMPLATE: "AUDIT/{cluster}/{yyyy}" has no {id}: objects of different batches would overwrite each other' },
    { template: '/AUDIT/{id}', error: 'KEY_TEMPLATE: "/AUDIT/{id}" must not start with "/" or contain "." or ".." segments' },
    { template: 'AUDIT/../{id}', error: 'KEY_TEMPLATE: "AUDIT/../{id}" must not start with "/" or contain "." or ".." segments' },
    { template: 'AUDIT/{id', error: 'KEY_TEMPLATE: unbalanced brace in "AUDIT/{id"' },
    { template: 'AUDIT/{id}}', error: 'KEY_TEMPLATE: unbalanced brace in "AUDIT/{id}}"' },
  ])('rejects $template', ({ template, error }) => {
    expect(() => parseKeyTemplate(template, 'KEY_TEMPLATE')).toThrow(ConfigError);
    expect(() => parseKeyTemplate(template, 'KEY_TEMPLATE')).toThrow(error);
  });
});

describe('Function: objectId', () => {
  it('is deterministic and differs by message, cluster, kind and part', () => {
    const id = objectId('m1', 'c1', 'events', 1);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(objectId('m1', 'c1', 'events', 1)).toBe(id);
    const others = [objectId('m2', 'c1', 'events', 1), objectId('m1', 'c2', 'events', 1), objectId('m1', 'c1', 'quarantine', 1), objectId('m1', 'c1', 'events', 2)];
    expect(new Set([id, ...others]).size).toBe(5);
  });
});
