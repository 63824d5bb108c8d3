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
import { createGuard, isAuthMode, type AuthMode, type Guard, type GuardFailure, type GuardOptions, type GuardRequest, type GuardResult } from './guard.js';
import type { JwtClaims } from './jwt.js';
import { problemResponse } from './problem.js';

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
export function compileAdapterOptions<Claims>(
  options: AdapterOptions<Claims> & { readonly onReject?: unknown },
): { guard: Guard<Claims>; authMode: AuthMode } {
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
 * import { toGuardRequest } from '@rebind-guard/core/node';
 * const result = await guard.check(toGuardRequest(req));
 * ```
 */
export function toGuardRequest(req: IncomingMessage | Http2ServerRequest, url?: string): GuardRequest {
  const authority = (req as Http2ServerRequest).authority as string | undefined;
  const isHttp2 = req.httpVersionMajor === 2;
  return {
    method: req.method ?? 'GET',
    url: url ?? req.url ?? '/',
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    ...(isHttp2 && typeof authority === 'string' ? { authority } : {}),
  };
}

/**
 * Writes a failed result as an `application/problem+json` response on a Node response.
 *
 * @example
 * ```ts
 * import { sendProblem } from '@rebind-guard/core/node';
 * if (!result.ok) { sendProblem(res, result); return; }
 * ```
 */
export function sendProblem(res: ServerResponse | Http2ServerResponse, result: GuardFailure): void {
  const { status, headers, body } = problemResponse(result);
  if (res.headersSent) {
    res.end();
    return;
  }
  (res as ServerResponse).writeHead(status, headers);
  res.end(body);
}

/**
 * Writes a failed result onto a raw socket (for rejected upgrade requests) and closes it.
 *
 * @example
 * ```ts
 * import { rejectSocket } from '@rebind-guard/core/node';
 * rejectSocket(socket, result);
 * ```
 */
export function rejectSocket(socket: Duplex, result: GuardFailure): void {
  const { status, headers, body } = problemResponse(result);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'connection: close', `content-length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (socket.writable) socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  else socket.destroy();
}

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
  /** Called instead of the default 4xx answer; must end or destroy the socket. */
  readonly onReject?: (result: GuardFailure, req: IncomingMessage, socket: Duplex) => void;
}

const GUARDED = Symbol.for('rebind-guard.upgrades');

/**
 * Checks every HTTP `upgrade` request (WebSockets) on `server` before any upgrade listener — such
 * as `ws`'s `WebSocketServer({ server })`, whether attached before or after this call — sees it.
 * Framework middleware never runs for upgrades, so without this a rebound page can open a socket.
 * Returns the compiled guard. Calling it twice on one server throws.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { WebSocketServer } from 'ws';
 * import { guardUpgrades } from '@rebind-guard/core/node';
 * const server = createServer(app);
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
  // Wrapping emit (rather than prepending a listener) is what stops later listeners: an upgrade
  // that fails the check is never emitted at all.
  server.emit = function emitGuarded(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit(event, ...args);
    const [req, socket] = args as [IncomingMessage, Duplex];
    void guard.check(toGuardRequest(req), { auth: authMode }).then((result: GuardResult<Claims>) => {
      if (result.ok) emit(event, ...args);
      else if (onReject !== undefined) onReject(result, req, socket);
      else rejectSocket(socket, result);
    }).catch(() => socket.destroy());
    return true;
  } as typeof server.emit;
  return guard;
}
