/**
 * Is `value` a plain JSON-style object (not null, not an array)? The one predicate core uses for
 * options, token headers and payloads, discovery documents and claim requirements.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
