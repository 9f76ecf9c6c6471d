// Object keys from a template, e.g. AUDIT/{cluster}/{yyyy}-{MM}-{dd}-{HH}:{mm}:{ss}-{id}.{ext}.
// A template is parsed and checked once, at start-up; rendering is a pure function of its inputs, so the same
// batch always gets the same key (a retried invocation overwrites instead of duplicating).
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';

export const TOKENS = ['cluster', 'yyyy', 'MM', 'dd', 'HH', 'mm', 'ss', 'id', 'part', 'ext'] as const;
export type Token = (typeof TOKENS)[number];

export const DEFAULT_KEY_TEMPLATE = 'AUDIT/{cluster}/{yyyy}-{MM}-{dd}-{HH}:{mm}:{ss}-{id}.{ext}';
export const DEFAULT_QUARANTINE_TEMPLATE = 'QUARANTINE/{cluster}/{yyyy}-{MM}-{dd}-{HH}:{mm}:{ss}-{id}.{ext}';

export type KeyTemplate = ReadonlyArray<string | { readonly token: Token }>;

/** What a key is rendered from. */
export interface KeyInput {
  /** Cluster id, from untrusted input: sanitised when rendered. */
  readonly cluster: string;
  /** Earliest event time in the object, ms since the epoch (UTC). */
  readonly time: number;
  /** The object's id: see objectId. */
  readonly id: string;
  /** Part number, from 1. */
  readonly part: number;
  /** Extension from the encoding: `ndjson.gz` or `ndjson`. */
  readonly ext: string;
}

/** Parse and confine a template; `variable` names the setting in errors. */
export function parseKeyTemplate(template: string, variable: string): KeyTemplate {
  const parts: Array<string | { token: Token }> = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    const name = m[1]!;
    if (!(TOKENS as readonly string[]).includes(name)) {
      throw new ConfigError(variable, `${variable}: unknown token {${name}} in "${template}"; tokens are ${TOKENS.map((t) => `{${t}}`).join(' ')}`);
    }
    parts.push({ token: name as Token });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  const literal = parts.filter((p): p is string => typeof p === 'string').join('');
  if (/[{}]/.test(literal)) throw new ConfigError(variable, `${variable}: unbalanced brace in "${template}"`);
  if (!parts.some((p) => typeof p !== 'string' && p.token === 'id')) {
    throw new ConfigError(variable, `${variable}: "${template}" has no {id}: objects of different batches would overwrite each other`);
  }
  if (template.startsWith('/') || template.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw new ConfigError(variable, `${variable}: "${template}" must not start with "/" or contain "." or ".." segments`);
  }
  return parts;
}

/** Render a key. Every value that comes from input is reduced to [A-Za-z0-9._-]. */
export function renderKey(template: KeyTemplate, input: KeyInput): string {
  const d = new Date(input.time);
  const two = (n: number): string => String(n).padStart(2, '0');
  const values: Record<Token, string> = {
    cluster: sanitizeSegment(input.cluster),
    yyyy: String(d.getUTCFullYear()).padStart(4, '0'),
    MM: two(d.getUTCMonth() + 1),
    dd: two(d.getUTCDate()),
    HH: two(d.getUTCHours()),
    mm: two(d.getUTCMinutes()),
    ss: two(d.getUTCSeconds()),
    id: sanitizeSegment(input.id),
    part: String(input.part),
    ext: input.ext,
  };
  return template.map((p) => (typeof p === 'string' ? p : values[p.token])).join('');
}

/** Untrusted text as one safe key segment: [A-Za-z0-9._-] only, never "", "." or "..", at most 128 characters. */
export function sanitizeSegment(value: string): string {
  const s = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  return s === '' || /^\.+$/.test(s) ? s.replace(/\./g, '_') || '_' : s;
}

/**
 * A deterministic object id: the same trigger message, cluster, kind and part always give the same id, so a
 * retried invocation rewrites its objects. 16 hex characters of SHA-256.
 */
export function objectId(messageId: string, cluster: string, kind: 'events' | 'quarantine', part: number): string {
  return createHash('sha256').update(`${messageId}\0${cluster}\0${kind}\0${part}`).digest('hex').slice(0, 16);
}
