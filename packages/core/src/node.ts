/**
 * `@rebind-guard/core/node`: glue between the framework-free guard and `node:http` / `node:http2`
 * objects, shared by the adapters. This is the only module of core that touches sockets.
 *
 * @packageDocumentation
 */
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import { isAuthMode, type AuthMode } from './auth-mode.js';
import { createGuard, type Guard, type GuardFailure, type GuardRequest, type GuardResult } from './guard.js';
import type { GuardOptions } from './guard-options.js';
import type { AuthInfo, JwtClaims } from './jwt.js';
import { problemResponse, type ProblemResponse } from './problem.js';
import type { GuardAnswer } from './resource-metadata.js';

/**
 * Options every adapter accepts on top of {@link GuardOptions}.
 *
 * @example
 * ```ts
 * import type { AdapterOptions } from '@rebind-guard/core/node';
 * const options: AdapterOptions = { hosts: ['api.example.com'], authMode: 'optional' };
 * ```
 */
export interface AdapterOptions<Claims = JwtClaims> extends GuardOptions<Claims> {
  /** How Bearer auth is enforced when `auth` is configured. Default `'required'`. */
  readonly authMode?: AuthMode;
}

/**
 * Splits adapter options into the compiled core guard and the adapter's own settings, validating
 * both once (bad options throw `TypeError`).
 *
 * @example
 * ```ts
 * import { compileAdapterOptions } from '@rebind-guard/core/node';
 * const { guard, authMode } = compileAdapterOptions({ hosts: ['localhost'] });
 * ```
 */
export function compileAdapterOptions<Claims>(options: AdapterOptions<Claims> & { readonly onReject?: unknown }): {
  guard: Guard<Claims>;
  authMode: AuthMode;
} {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError('rebind-guard: options are required, e.g. { hosts: ["api.example.com"] }.');
  }
  const { authMode = 'required', onReject, ...guardOptions } = options;
  if (!isAuthMode(authMode)) {
    throw new TypeError('rebind-guard: `authMode` must be "required", "optional" or "off".');
  }
  if (onReject !== undefined && typeof onReject !== 'function') {
    throw new TypeError('rebind-guard: `onReject` must be a function (result, ...) => void.');
  }
  return { guard: createGuard<Claims>(guardOptions), authMode };
}

/**
 * Builds the neutral {@link GuardRequest} from a Node request (HTTP/1 or HTTP/2 compatibility API).
 * `url` overrides the target (e.g. Express's `originalUrl`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { sendProblem, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * createServer(async (req, res) => {
 *   const result = await guard.check(toGuardRequest(req));
 *   if (!result.ok) return sendProblem(res, result);
 *   res.end('hello');
 * });
 * ```
 */
export function toGuardRequest(req: IncomingMessage | Http2ServerRequest, url?: string): GuardRequest {
  // One object shape for every request (no spread): `authority` is only ever set over HTTP/2.
  const authority = req.httpVersionMajor === 2 ? ((req as Http2ServerRequest).authority as unknown) : undefined;
  return {
    method: req.method ?? 'GET',
    url: url ?? req.url ?? '/',
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    authority: typeof authority === 'string' ? authority : undefined,
  };
}

/**
 * Writes a failed result as an `application/problem+json` response on a Node response.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { sendProblem, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * createServer(async (req, res) => {
 *   const result = await guard.check(toGuardRequest(req));
 *   if (!result.ok) return sendProblem(res, result); // 403 host_not_allowed, problem+json
 *   res.end('hello');
 * });
 * ```
 */
export function sendProblem(res: ServerResponse | Http2ServerResponse, result: GuardFailure): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendAnswer(res, problemResponse(result));
}

/**
 * Sends a response core produced itself (`GuardSuccess.answer`: the RFC 9728 metadata document)
 * on a Node response.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { sendAnswer, sendProblem, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({
 *   hosts: ['localhost'],
 *   auth,
 *   resourceMetadata: { resource: 'http://localhost:3000/', authorizationServers: ['https://idp.example.com'] },
 * });
 * createServer(async (req, res) => {
 *   const result = await guard.check(toGuardRequest(req));
 *   if (!result.ok) return sendProblem(res, result);
 *   if (result.answer !== undefined) return sendAnswer(res, result.answer); // /.well-known/oauth-protected-resource
 *   res.end('hello');
 * });
 * ```
 */
export function sendAnswer(res: ServerResponse | Http2ServerResponse, answer: GuardAnswer | ProblemResponse): void {
  (res as ServerResponse).writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * Options of {@link guardRequests}: the adapter options plus a custom rejection.
 *
 * @example
 * ```ts
 * import type { RequestGuardOptions } from '@rebind-guard/core/node';
 * const options: RequestGuardOptions = { hosts: ['localhost'], origins: ['http://localhost:5173'] };
 * ```
 */
export interface RequestGuardOptions<Claims = JwtClaims> extends AdapterOptions<Claims> {
  /** Replaces the default `application/problem+json` rejection; must end the response. A throw goes to `next(err)`. */
  readonly onReject?: (result: GuardFailure, req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * A plain Node `(req, res, next)` middleware that runs the guard, for request handlers that sit
 * in front of any framework — above all Socket.IO's `io.engine.use(...)`, whose long-polling
 * transport answers `/socket.io/` before Express, Koa or Fastify see the request. An accepted
 * request carries the verified token as `req.auth`; a rejected one gets the problem+json answer
 * and `next` is not called; anything thrown (e.g. by `onReject`) goes to `next(err)`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { Server } from 'socket.io';
 * import { guardRequests, guardUpgrades } from '@rebind-guard/core/node';
 * const options = { hosts: ['localhost'], origins: ['http://localhost:5173'] };
 * const server = createServer();
 * const io = new Server(server);
 * io.engine.use(guardRequests(options)); // long-polling and the WebSocket handshake
 * guardUpgrades(server, options);          // every other upgrade on the server
 * ```
 */
export function guardRequests<Claims = JwtClaims>(
  options: RequestGuardOptions<Claims>,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const { guard, authMode } = compileAdapterOptions(options);
  const onReject = options.onReject;
  return function rebindGuardRequests(req, res, next) {
    guard
      .check(toGuardRequest(req), { authMode })
      .then((result) => {
        if (result.ok && result.answer !== undefined) sendAnswer(res, result.answer);
        else if (result.ok) {
          (req as GuardedIncomingMessage<Claims>).auth = result.auth;
          next();
        } else if (onReject === undefined) sendProblem(res, result);
        else onReject(result, req, res);
      })
      .catch(next);
  };
}

/** How long a rejected upgrade socket may take to flush its answer before it is destroyed anyway. */
const REJECT_FLUSH_TIMEOUT_MS = 2000;

/** Destroys a socket on error: Node removes its own error listener when it hands over an upgrade. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * Makes sure a socket taken over from the HTTP server can never raise an unhandled `'error'` (a
 * client that resets the connection would otherwise crash the process). Idempotent.
 */
function armSocket(socket: Duplex): void {
  if (!socket.listeners('error').includes(destroyOnError)) socket.on('error', destroyOnError);
}

/**
 * Closes a socket for good: destroyed once the pending answer is flushed, or after a short timeout
 * for a client that never reads, so rejected connections never hold a file descriptor.
 */
function closeSocket(socket: Duplex, answer?: string): void {
  armSocket(socket);
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), REJECT_FLUSH_TIMEOUT_MS);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
  });
  const destroy = (): void => {
    socket.destroy();
  };
  if (answer !== undefined && socket.writable) socket.end(answer, destroy);
  else if (!socket.writableEnded) socket.end(destroy);
  else if (socket.writableFinished) socket.destroy();
  else socket.once('finish', destroy);
}

function rawAnswer(status: number, headers: Readonly<Record<string, string>>, body: string): string {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'connection: close',
    `content-length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Writes a failed result onto a raw socket (for rejected upgrade requests) and closes it: the socket
 * is destroyed once the answer is flushed (at the latest after 2 s), and a client that resets it
 * cannot raise an unhandled `'error'`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { rejectSocket, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * createServer().on('upgrade', async (req, socket) => {
 *   const result = await guard.check(toGuardRequest(req));
 *   if (!result.ok) return rejectSocket(socket, result); // answered, then destroyed
 *   socket.end(); // your upgrade handling
 * });
 * ```
 */
export function rejectSocket(socket: Duplex, result: GuardFailure): void {
  const { status, headers, body } = problemResponse(result);
  closeSocket(socket, rawAnswer(status, headers, body));
}

/**
 * A Node request after {@link guardUpgrades} or {@link guardRequests} let it through — e.g. the
 * upgrade request a `ws` `connection` handler receives: `auth` is the verified Bearer token
 * (`undefined` when auth is off, optional and absent, or not configured).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { WebSocketServer } from 'ws';
 * import { guardUpgrades, type GuardedIncomingMessage } from '@rebind-guard/core/node';
 * const server = createServer();
 * guardUpgrades(server, { hosts: ['localhost'], origins: ['http://localhost:5173'], auth });
 * const wss = new WebSocketServer({ server });
 * wss.on('connection', (ws, req) => {
 *   const { auth } = req as GuardedIncomingMessage<{ sub: string }>;
 *   ws.send(`hello ${auth?.claims.sub ?? 'anonymous'}`);
 * });
 * ```
 */
export type GuardedIncomingMessage<Claims = JwtClaims> = IncomingMessage & { auth?: AuthInfo<Claims> | undefined };

/**
 * Options of {@link guardUpgrades}: the adapter options plus a custom rejection.
 *
 * @example
 * ```ts
 * import type { UpgradeGuardOptions } from '@rebind-guard/core/node';
 * const options: UpgradeGuardOptions = { hosts: ['localhost'], origins: ['http://localhost:5173'] };
 * ```
 */
export interface UpgradeGuardOptions<Claims = JwtClaims> extends AdapterOptions<Claims> {
  /**
   * Called instead of the default 4xx answer; should write an answer to the socket. The socket is
   * destroyed afterwards in any case (at the latest 2 s later); if this throws, the client gets a
   * 500 and the error is reported once as a process warning.
   */
  readonly onReject?: (result: GuardFailure, req: IncomingMessage, socket: Duplex) => void;
}

const GUARDED = Symbol.for('rebind-guard.upgrades');

/** Reports an error thrown by user code on an upgrade once (there is no framework error path there). */
function warnUpgradeError(error: unknown): void {
  process.emitWarning(
    `rebind-guard: an upgrade handler threw: ${error instanceof Error ? error.message : String(error)}`,
    {
      code: 'REBIND_GUARD_UPGRADE_ERROR',
    },
  );
}

/**
 * Checks every HTTP `upgrade` request (WebSockets) on `server` before any upgrade listener — such
 * as `ws`'s `WebSocketServer({ server })`, whether attached before or after this call — sees it.
 * Framework middleware never runs for upgrades, so without this a rebound page can open a socket.
 * Upgrades always need an allowed `Origin`, on `exclude`d paths too. An accepted upgrade carries the
 * verified token as `req.auth` (see {@link GuardedIncomingMessage}); a rejected one is answered and
 * its socket destroyed. A client that resets the connection — after the answer or while an async
 * `getKey` is pending — never raises an unhandled error. Returns the compiled guard. Calling it
 * twice on one server throws.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { WebSocketServer } from 'ws';
 * import { guardUpgrades } from '@rebind-guard/core/node';
 * const server = createServer((req, res) => res.end('hello'));
 * guardUpgrades(server, { hosts: ['localhost'], origins: ['http://localhost:5173'] });
 * new WebSocketServer({ server });
 * ```
 */
export function guardUpgrades<Claims = JwtClaims>(
  server: HttpServer | HttpsServer,
  options: UpgradeGuardOptions<Claims>,
): Guard<Claims> {
  const { guard, authMode } = compileAdapterOptions(options);
  const tagged = server as unknown as Record<symbol, unknown>;
  if (tagged[GUARDED] === true) throw new TypeError('rebind-guard: guardUpgrades was already called for this server.');
  tagged[GUARDED] = true;
  const onReject = options.onReject;
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;

  function decide(
    result: GuardResult<Claims>,
    args: unknown[],
    req: GuardedIncomingMessage<Claims>,
    socket: Duplex,
  ): void {
    // The client went away while the check was pending (e.g. an async getKey): nothing to answer.
    if (socket.destroyed) return;
    if (result.ok) {
      req.auth = result.auth;
      try {
        emit('upgrade', ...args);
      } catch (error) {
        // The upgrade listener may have written a handshake already: no answer, just close.
        socket.destroy();
        warnUpgradeError(error);
      }
      return;
    }
    if (onReject === undefined) {
      rejectSocket(socket, result);
      return;
    }
    try {
      onReject(result, req, socket);
      closeSocket(socket);
    } catch (error) {
      closeSocket(socket, rawAnswer(500, {}, ''));
      warnUpgradeError(error);
    }
  }

  // Wrapping emit (rather than prepending a listener) is what stops later listeners: an upgrade
  // that fails the check is never emitted at all.
  server.emit = function emitGuarded(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit(event, ...args);
    const [req, socket] = args as [GuardedIncomingMessage<Claims>, Duplex];
    armSocket(socket);
    void guard.check(toGuardRequest(req), { authMode }).then((result) => {
      decide(result, args, req, socket);
    });
    return true;
  } as typeof server.emit;
  return guard;
}

export { validateClaimRequirement } from './claims.js';
export { isAuthMode } from './auth-mode.js';
export { validateScopes } from './scopes.js';
export { decisionOf, type Decision } from './guard.js';
export {
  claimsCheck,
  guardMarkOf,
  markGuarded,
  scopesCheck,
  withOptionalAuth,
  type GuardMark,
  type TokenCheck,
  type TokenCheckFailure,
} from './adapter/token-check.js';
