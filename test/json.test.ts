import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../src/json';

function deepText(n: number): string {
  return `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`;
}

describe('Function: stringifyJson', () => {
  it.each([
    { name: 'scalars', value: [1, 'x', true, null, -0.5, 1e21] },
    { name: 'undefined in an object is left out, in an array written as null', value: { a: undefined, b: [undefined, 1], c: 2 } },
    { name: 'escapes and unicode', value: { 'k"\n': 'é\u2028"\\', emoji: '🙂' } },
    { name: 'empty containers', value: { a: {}, b: [], c: [{}] } },
  ])('writes $name exactly as JSON.stringify', ({ value }) => {
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });

  it('writes JSON nested deeper than JSON.stringify can, byte for byte', () => {
    const text = deepText(20_000);
    const value = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(stringifyJson(value)).toBe(text);
  });
});
