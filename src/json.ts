/** A JSON object (not null, not an array): the one test every decoder here starts with. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON.stringify for parsed JSON of any depth. JSON.parse reads nesting far deeper than JSON.stringify can write
 * (its recursion overflows the stack at a few thousand levels), and a logged patch body is whatever a client
 * sent: such a value falls back to an iterative writer with the same output, instead of failing a whole batch.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (err instanceof RangeError) return stringifyIteratively(value);
    throw err;
  }
}

type Frame = { kind: 'array'; items: readonly unknown[]; i: number } | { kind: 'object'; entries: Array<[string, unknown]>; i: number; wrote: boolean };

function stringifyIteratively(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (value: unknown, inArray: boolean): void => {
    if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      if (Array.isArray(value)) { out.push('['); stack.push({ kind: 'array', items: value, i: 0 }); return; }
      out.push('{');
      stack.push({ kind: 'object', entries: Object.entries(value as Record<string, unknown>), i: 0, wrote: false });
      return;
    }
    const leaf = JSON.stringify(value);
    out.push(leaf === undefined ? (inArray ? 'null' : '') : leaf);
  };
  open(root, false);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.kind === 'array') {
      if (f.i === f.items.length) { out.push(']'); stack.pop(); continue; }
      if (f.i > 0) out.push(',');
      open(f.items[f.i++], true);
    } else {
      if (f.i === f.entries.length) { out.push('}'); stack.pop(); continue; }
      const [k, v] = f.entries[f.i++]!;
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (f.wrote) out.push(',');
      f.wrote = true;
      out.push(JSON.stringify(k), ':');
      open(v, false);
    }
  }
  return out.join('');
}
