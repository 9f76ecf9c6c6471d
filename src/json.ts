/** A JSON object (not null, not an array): the one test every decoder here starts with. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
