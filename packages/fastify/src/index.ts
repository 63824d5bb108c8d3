/**
 * Fastify 5 plugin for rebind-guard.
 *
 * @packageDocumentation
 */
import type { DoneFuncWithErrOrRes, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  problemResponse,
  type AuthInfo,
  type AuthMode,
  type ClaimRequirement,
  type Guard,
  type GuardAnswer,
  type ProblemResponse,
  type GuardFailure,
  type GuardResult,
  type JwtClaims,
} from '@rebind-guard/core';
import {
  compileAdapterOptions,
  decisionOf,
  isAuthMode,
  validateScopes,
  toGuardRequest,
  validateClaimRequirement,
  type AdapterOptions,
} from '@rebind-guard/core/node';

/**
 * The claims type of `request.auth`. Augment it to type your claims everywhere:
 *
 * @example
 * ```ts
 * declare module '@rebind-guard/fastify' {
 *   interface RebindGuardClaims { sub: string; scope: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RebindGuardClaims extends JwtClaims {}

/**
 * Per-route settings, under `config.rebindGuard` of a route. Checked when the route is added: an
 * unknown key, a bad value, or both `authMode` and `auth` throw a `TypeError`.
 *
 * @example
 * ```ts
 * app.get('/feed', { config: { rebindGuard: { authMode: 'optional' } } }, handler);
 * app.post('/admin', { config: { rebindGuard: { scopes: ['admin'] } } }, handler);
 * ```
 */
export interface RouteGuardConfig {
  /** Auth for this route: `'required'`, `'optional'` (missing token passes) or `'off'`. Default: the plugin's `authMode`. */
  readonly authMode?: AuthMode;
  /**
   * The former name of {@link RouteGuardConfig.authMode}, still accepted; give one of the two.
   *
   * @deprecated Use `authMode`: `config: { rebindGuard: { authMode: 'optional' } }`.
   */
  readonly auth?: AuthMode;
  /** Scopes the verified token must grant (403 `insufficient_scope` otherwise). */
  readonly scopes?: readonly string[];
  /** Claims the verified token must carry: `equals` / `includes` (401 `token_claims_invalid` otherwise). */
  readonly claims?: ClaimRequirement<RebindGuardClaims>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified Bearer token, set by rebind-guard; `undefined` when auth is off, optional and
     * absent, or not configured (as Express's `req.auth` and Koa's `ctx.state.auth`).
     */
    auth: AuthInfo<RebindGuardClaims> | undefined;
  }
  interface FastifyContextConfig {
    rebindGuard?: RouteGuardConfig;
  }
  interface FastifyInstance {
    /** The compiled rebind-guard guard (e.g. `app.rebindGuard.isAllowedOrigin` for CORS). */
    rebindGuard: Guard<RebindGuardClaims>;
  }
}

/**
 * Plugin options: every core option, `authMode`, and `onReject`.
 *
 * @example
 * ```ts
 * import type { FastifyGuardOptions } from '@rebind-guard/fastify';
 * const options: FastifyGuardOptions = { hosts: ['localhost'], onReject: (result, request, reply) => reply.code(result.status).send({ error: result.code }) };
 * ```
 */
export interface FastifyGuardOptions<Claims = RebindGuardClaims> extends AdapterOptions<Claims> {
  /** Replaces the default `application/problem+json` rejection; must send the reply. */
  readonly onReject?: (result: GuardFailure, request: FastifyRequest, reply: FastifyReply) => unknown;
}

/** `RouteGuardConfig` as the hook reads it (`auth` without its deprecation mark: it is still honoured). */
interface RouteConfig {
  readonly authMode?: AuthMode;
  readonly auth?: AuthMode;
  readonly scopes?: readonly string[];
  readonly claims?: ClaimRequirement<RebindGuardClaims>;
}

function validateRouteConfig(config: unknown, url: string, hasAuth: boolean, pluginMode: AuthMode): void {
  if (config === undefined) return;
  if (typeof config !== 'object' || config === null)
    throw new TypeError(`rebind-guard: config.rebindGuard of route ${url} must be an object.`);
  const { authMode, auth, scopes, claims, ...rest } = config as Record<keyof RouteConfig, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0)
    throw new TypeError(
      `rebind-guard: config.rebindGuard of route ${url} has unknown keys ${unknownKeys.join(', ')}; use authMode, scopes and claims.`,
    );
  if (authMode !== undefined && auth !== undefined)
    throw new TypeError(
      `rebind-guard: config.rebindGuard of route ${url} has both authMode and auth; auth is the former name of authMode, keep only authMode.`,
    );
  if (claims !== undefined) validateClaimRequirement(claims);
  const mode = authMode ?? auth;
  if (mode !== undefined && !isAuthMode(mode))
    throw new TypeError(
      `rebind-guard: config.rebindGuard.${authMode === undefined ? 'auth' : 'authMode'} of route ${url} must be "required", "optional" or "off".`,
    );
  if (scopes !== undefined) validateScopes(scopes as unknown[]);
  if (scopes === undefined && claims === undefined) return;
  // Scopes and claims are read from the verified token: without one, every request would get a 401.
  if (!hasAuth)
    throw new TypeError(
      `rebind-guard: config.rebindGuard of route ${url} requires scopes or claims, but the plugin has no \`auth\`, so no token is ever verified and every request would be refused with 401. Configure auth (key, algorithms, audience, issuer) on the plugin, or remove scopes and claims.`,
    );
  if ((mode ?? pluginMode) === 'off')
    throw new TypeError(
      `rebind-guard: config.rebindGuard of route ${url} requires scopes or claims with authMode "off", so no token is read and every request would be refused with 401. Use authMode "required" (or "optional") on this route.`,
    );
}

/** Answers with a response core built (a problem, or the resource metadata document). */
function send(reply: FastifyReply, response: GuardAnswer | ProblemResponse): FastifyReply {
  // A Buffer, not a string: Fastify appends "; charset=utf-8" to the content-type of string
  // payloads, which would make this adapter's answer differ from Express's and Koa's.
  return reply.code(response.status).headers(response.headers).send(Buffer.from(response.body));
}

const plugin: FastifyPluginCallback<FastifyGuardOptions> = (fastify, options, done) => {
  let compiled: ReturnType<typeof compileAdapterOptions<RebindGuardClaims>>;
  try {
    if (fastify.hasDecorator('rebindGuard')) {
      throw new TypeError(
        'rebind-guard: @rebind-guard/fastify is registered twice on this instance (or a parent); register it once, with all hosts in one options object.',
      );
    }
    compiled = compileAdapterOptions(options);
  } catch (error) {
    // A callback plugin must report through done(): avvio does not catch a synchronous throw, so
    // bad options would otherwise crash the process instead of rejecting register()/ready().
    done(error as Error);
    return;
  }
  const { guard, authMode } = compiled;
  const onReject = options.onReject;

  // undefined, not null: "no verified token" reads the same in every adapter.
  fastify.decorateRequest('auth', undefined);
  fastify.decorate('rebindGuard', guard);
  // request.routeOptions builds a frozen object on every read: read it only if some route has a config.
  let anyRouteConfig = false;
  fastify.addHook('onRoute', function rebindGuardOnRoute(route) {
    const config = (route.config as { rebindGuard?: unknown } | undefined)?.rebindGuard;
    validateRouteConfig(config, route.url, guard.hasAuth, authMode);
    if (config !== undefined) anyRouteConfig = true;
  });

  /** Answers a rejection: the default problem+json, or `onReject` (a throw goes to Fastify's error handler). */
  function reject(
    failure: GuardFailure,
    request: FastifyRequest,
    reply: FastifyReply,
    done: DoneFuncWithErrOrRes,
  ): void {
    request.log.debug({ rebindGuard: failure.code }, 'rebind-guard rejected the request');
    if (onReject === undefined) {
      send(reply, problemResponse(failure));
      return;
    }
    try {
      const answered = onReject(failure, request, reply);
      if (answered instanceof Promise) answered.catch(done);
    } catch (error) {
      done(error as Error);
    }
  }

  /** The route's scope and claim requirements on the verified token, if it has any. */
  function routeFailure(route: RouteConfig | undefined, auth: AuthInfo<RebindGuardClaims> | undefined) {
    if (route?.scopes !== undefined) {
      const failure = guard.checkScopes(auth, route.scopes);
      if (failure !== undefined) return failure;
    }
    return route?.claims === undefined ? undefined : guard.checkClaims(auth, route.claims);
  }

  /** Acts on the guard's result: answer, reject, or set request.auth and go on (done). */
  function proceed(
    result: GuardResult<RebindGuardClaims>,
    route: RouteConfig | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    done: DoneFuncWithErrOrRes,
  ): void {
    if (!result.ok) {
      reject(result, request, reply, done);
      return;
    }
    if (result.answer !== undefined) {
      send(reply, result.answer);
      return;
    }
    request.auth = result.auth;
    const failure = routeFailure(route, result.auth);
    if (failure !== undefined) {
      reject(failure, request, reply, done);
      return;
    }
    done();
  }

  const decide = decisionOf(guard);
  // onRequest runs before body parsing, and for upgrades routed by @fastify/websocket too. A
  // callback hook: synchronous unless keys or a claims validator are awaited (no extra turn otherwise).
  function rebindGuardOnRequest(request: FastifyRequest, reply: FastifyReply, done: DoneFuncWithErrOrRes): void {
    const route: RouteConfig | undefined = anyRouteConfig ? request.routeOptions.config.rebindGuard : undefined;
    const result = decide(toGuardRequest(request.raw, request.url), {
      authMode: route === undefined ? authMode : (route.authMode ?? route.auth ?? authMode),
      servedHost: () => request.hostname,
    });
    if (result instanceof Promise) {
      result.then((settled) => {
        proceed(settled, route, request, reply, done);
      }, done);
    } else proceed(result, route, request, reply, done);
  }
  fastify.addHook('onRequest', rebindGuardOnRequest);
  done();
};

/**
 * Fastify plugin that rejects, in `onRequest` (before body parsing), requests whose Host is not
 * allowed, whose Origin is not trusted for an unsafe method, and (with `auth`) whose Bearer token
 * is missing or invalid. Sets `request.auth`. WebSocket upgrades served by `@fastify/websocket`
 * pass through the same hook. Options are validated at registration; bad options throw `TypeError`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { rebindGuard } from '@rebind-guard/fastify';
 * import { LOOPBACK_HOSTS } from '@rebind-guard/core';
 *
 * const app = Fastify();
 * await app.register(rebindGuard, { hosts: ['api.example.com', ...LOOPBACK_HOSTS] });
 * app.get('/', async () => ({ ok: true }));
 * ```
 */
export const rebindGuard = fp(plugin, { fastify: '^4.23.0 || ^5.0.0', name: '@rebind-guard/fastify' });

export default rebindGuard;
