import type { TSESLint } from '@typescript-eslint/utils';

/**
 * Text that every file a JWT rule can report must contain: the rules only match calls of tracked
 * imports, and an import or `require` names its module in the source (jsonwebtoken, jose,
 * express-jwt, koa-jwt, @fastify/jwt, fastify-jwt, fast-jwt, passport-jwt, jwt-simple, jwt-decode, jws).
 */
export const JWT_MODULES_TEXT = /jsonwebtoken|jose|jwt|jws/;

/** Text every file that creates an Express, Koa or Fastify app must contain (its import). */
export const APP_FRAMEWORKS_TEXT = /express|koa|fastify/;

/**
 * Text every file `no-host-check-bypass` can report must contain: each finding is a property of one
 * of these names (or the DANGEROUSLY_DISABLE_HOST_CHECK switch, whose name contains "HOST_CHECK"),
 * or a read of the `X-Forwarded-Host` / `Forwarded` header.
 */
export const HOST_CHECK_SWITCHES_TEXT =
  /allowedHosts|disableHostCheck|HOST_CHECK|enableDnsRebindingProtection|hosts|[Ff]orwarded/;

/** Text every file `no-permissive-cors` can report must contain: a CORS module or the header name. */
export const CORS_TEXT = /cors|access-control-allow-origin/i;

/**
 * Text every file `no-manual-bearer-parsing` can report must contain: an Authorization value is
 * read or named (authorization, authHeader, auth_header, authz…) or the Bearer scheme is written.
 */
export const AUTHORIZATION_TEXT = /auth|bearer/i;

/**
 * Does the file's source text match `pattern`? Rules call this first and return no visitors when
 * it does not: a negative answer is certain (the pattern names text any finding needs), and one
 * regular-expression scan of the text is far cheaper than walking the AST with scope lookups.
 *
 * @example
 * ```ts
 * create(context) {
 *   if (!mentions(context, JWT_MODULES_TEXT)) return {};
 *   ...
 * }
 * ```
 */
export function mentions(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  pattern: RegExp,
): boolean {
  return pattern.test(context.sourceCode.text);
}
