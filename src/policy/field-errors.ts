// Field errors printed exactly as kube-apiserver prints them.
// Port of the formatting in kubernetes/apimachinery pkg/util/validation/field/errors.go (Error.Error,
// ErrorBody, ToAggregate) and pkg/util/errors/errors.go (aggregate.Error).
import type { FieldError } from '../errors';

export function required(path: string, location?: string): FieldError {
  return make(path, 'Required', `${path}: Required value`, location);
}

/** `field.Invalid`: strings are Go-%q quoted, lists are JSON. */
export function invalid(path: string, value: string | readonly string[], detail: string, location?: string): FieldError {
  const shown = typeof value === 'string' ? goQuote(value) : JSON.stringify(value);
  return make(path, 'Invalid', `${path}: Invalid value: ${shown}: ${detail}`, location);
}

export function notSupported(path: string, value: string, allowed: readonly string[], location?: string): FieldError {
  const list = allowed.map(goQuote).join(', ');
  return make(path, 'NotSupported', `${path}: Unsupported value: ${goQuote(value)}: supported values: ${list}`, location);
}

function make(path: string, type: FieldError['type'], message: string, location?: string): FieldError {
  return location !== undefined && location !== path ? { path, type, message, location } : { path, type, message };
}

/**
 * The aggregate's message: identical messages merged (first kept), one printed bare, several as `[a, b]`.
 */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const unique = [...new Set(errors.map((e) => e.message))];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** Go's `%q` for strings: printable runes kept, the rest escaped the Go way. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\t': out += '\\t'; continue;
      case '\r': out += '\\r'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}
