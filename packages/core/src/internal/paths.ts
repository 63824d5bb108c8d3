/**
 * Request paths: the path of a request target, and the compiled `exclude` option.
 */

/** An absolute-form request target's scheme (1) and authority (2). */
export const ABSOLUTE_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/** The path of a request target, without query; for absolute-form, the path after the authority. */
export function pathOf(url: string): string {
  let path = url;
  // Origin-form ("/…", nearly every request) has no scheme to strip.
  const scheme = path.startsWith('/') ? null : ABSOLUTE_FORM.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length) || '/';
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/** Paths no real `exclude` pattern matches: one that does excludes (nearly) everything. */
const EXCLUDE_PROBES = ['/api/v1/admin/users/42', '/rebind-guard-exclude-probe/7f3a9'];

/** Dot segments and encoded dots, slashes or backslashes: such paths are never excluded. */
const UNSAFE_PATH = /(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i;

/** Compiles one RegExp entry, anchored to the whole path; refuses one that matches unrelated paths. */
function compilePattern(entry: RegExp): RegExp {
  const pattern = new RegExp(`^(?:${entry.source})$`, entry.flags.replace(/[gy]/g, ''));
  if (EXCLUDE_PROBES.some((probe) => pattern.test(probe))) {
    throw new TypeError(
      `rebind-guard: exclude entry ${String(entry)} matches unrelated paths such as "/api/v1/admin/users/42", which switches the auth and origin checks off. Anchor it to the paths you mean, e.g. /\\/healthz(\\/live|\\/ready)?/.`,
    );
  }
  return pattern;
}

/**
 * Compiles `exclude` into a predicate on paths: exact paths, prefixes ending in `/*`, and RegExps
 * matched against the whole path. Paths with dot segments or encoded dots/slashes never match.
 * Throws `TypeError` on entries that are not paths or that would exclude everything.
 */
export function compileExclude(entries: unknown): (path: string) => boolean {
  if (entries === undefined) return () => false;
  if (!Array.isArray(entries))
    throw new TypeError('rebind-guard: `exclude` must be an array of paths such as ["/healthz"].');
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (entry instanceof RegExp) {
      patterns.push(compilePattern(entry));
    } else if (typeof entry === 'string' && entry.startsWith('/') && !entry.includes('?')) {
      if (entry === '/*')
        throw new TypeError(
          'rebind-guard: exclude entry "/*" excludes every path, which switches the auth and origin checks off. List the public paths, e.g. ["/healthz", "/public/*"].',
        );
      if (entry.endsWith('/*')) prefixes.push(entry.slice(0, -1));
      else if (entry.includes('*'))
        throw new TypeError(
          `rebind-guard: exclude entry ${JSON.stringify(entry)}: "*" is only allowed as a final "/*".`,
        );
      else exact.add(entry);
    } else {
      throw new TypeError(
        `rebind-guard: exclude entry ${JSON.stringify(entry)} must be a path starting with "/" (e.g. "/healthz" or "/public/*") or a RegExp.`,
      );
    }
  }
  return (path) => {
    if (UNSAFE_PATH.test(path)) return false;
    return (
      exact.has(path) ||
      prefixes.some((prefix) => path.startsWith(prefix)) ||
      patterns.some((pattern) => pattern.test(path))
    );
  };
}
