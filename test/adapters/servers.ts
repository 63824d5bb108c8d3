/**
 * Starts the same small API on Express 5, Koa 3 and Fastify 5 behind rebind-guard, on
 * 127.0.0.1:0 (issue #4). Tests talk to it with `rawRequest` from test/helpers/http.ts.
 *
 * Routes (identical on every framework):
 *   GET /               required auth
 *   POST|PUT|DELETE /items   required auth (+ Origin checks: unsafe methods)
 *   GET /healthz        excluded path when the options say so
 *   GET /admin          requires scope 'admin'
 *   GET /feed           optional auth
 *   GET /ws             WebSocket endpoint (101 + "hello")
 * Every success answers JSON `{ route, sub }` (`sub` of the verified token, or null).
 */
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { WebSocketServer } from 'ws';
import { problemResponse, type GuardFailure, type GuardOptions, type AuthMode } from '@rebind-guard/core';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { closeServer, listen, portOf } from '../helpers/http.js';

export const FRAMEWORKS = ['express', 'koa', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Options handed to every adapter: core options plus `authMode`. */
export type AppOptions = GuardOptions & { readonly authMode?: AuthMode };

/**
 * A framework-neutral custom rejection: servers.ts maps it to each adapter's own `onReject`
 * signature, so the same customisation can be compared across frameworks.
 */
export interface NeutralReject {
  (result: GuardFailure): { status: number; headers: Record<string, string>; body: string };
}

export interface RunningServer {
  readonly framework: Framework;
  readonly port: number;
  /** Express/Koa: the `ws` server was attached to the HTTP server before `guardUpgrades` ran. */
  readonly upgradeListenersBeforeGuard: number;
  close(): Promise<void>;
}

interface Identity {
  route: string;
  sub: string | null;
}

const ROUTES = new Set([
  'GET /',
  'POST /items',
  'PUT /items',
  'DELETE /items',
  'GET /healthz',
  'GET /admin',
  'GET /feed',
]);

function identity(route: string, auth: { claims: { sub?: unknown } } | null | undefined): Identity {
  const sub = auth?.claims.sub;
  return { route, sub: typeof sub === 'string' ? sub : null };
}

function rawReject(socket: Duplex, response: { status: number; headers: Record<string, string>; body: string }): void {
  const lines = [
    `HTTP/1.1 ${response.status} Rejected`,
    'connection: close',
    `content-length: ${Buffer.byteLength(response.body)}`,
  ];
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${response.body}`);
}

async function startExpress(options: AppOptions, onReject?: NeutralReject): Promise<RunningServer> {
  const reject: expressAdapter.ExpressGuardOptions['onReject'] =
    onReject === undefined
      ? undefined
      : (result, _req, res) => {
          const custom = onReject(result);
          res.status(custom.status).set(custom.headers).send(custom.body);
        };
  const guardOptions = { ...options, ...(reject === undefined ? {} : { onReject: reject }) };
  const guard = expressAdapter.rebindGuard(guardOptions);
  const optional = expressAdapter.rebindGuard.optional(guardOptions);
  const app = express();
  // The framework trusts the proxy exactly when the guard does: the host it serves is the one the guard validated.
  if (options.trustProxy === true) app.set('trust proxy', true);
  const send = (route: string) => (req: express.Request, res: express.Response) => {
    res.json(identity(route, req.auth));
  };
  // /feed: its own guard instance with optional auth, registered before the app-wide guard.
  app.get('/feed', optional, send('GET /feed'));
  app.use(guard);
  app.get('/', send('GET /'));
  app.post('/items', send('POST /items'));
  app.put('/items', send('PUT /items'));
  app.delete('/items', send('DELETE /items'));
  app.get('/healthz', send('GET /healthz'));
  // Scopes need verified tokens: on a guard without auth, requireScopes() is a start-up error.
  if (options.auth !== undefined) app.get('/admin', guard.requireScopes('admin'), send('GET /admin'));

  const server = createServer(app);
  // The WebSocket server is attached BEFORE guardUpgrades on purpose: the guard must still run first.
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.send('hello');
  });
  const upgradeListenersBeforeGuard = server.listenerCount('upgrade');
  expressAdapter.guardUpgrades(server, {
    ...options,
    ...(onReject === undefined
      ? {}
      : {
          onReject: (result: GuardFailure, _req: unknown, socket: Duplex) => {
            rawReject(socket, onReject(result));
          },
        }),
  });
  const port = await listen(server);
  return { framework: 'express', port, upgradeListenersBeforeGuard, close: () => closeServer(server, wss) };
}

async function startKoa(options: AppOptions, onReject?: NeutralReject): Promise<RunningServer> {
  const reject: koaAdapter.KoaGuardOptions['onReject'] =
    onReject === undefined
      ? undefined
      : (result, ctx) => {
          const custom = onReject(result);
          ctx.status = custom.status;
          ctx.set(custom.headers);
          ctx.body = custom.body;
        };
  const guardOptions = { ...options, ...(reject === undefined ? {} : { onReject: reject }) };
  const guard = koaAdapter.rebindGuard(guardOptions);
  const optional = koaAdapter.rebindGuard.optional(guardOptions);
  const admin = koaAdapter.requireScopes('admin');
  const app = new Koa<koaAdapter.RebindGuardState>();
  app.proxy = options.trustProxy === true;
  // /feed: a second guard instance with optional auth; everything else: the required one.
  app.use(async (ctx, next) => {
    await (ctx.path === '/feed' ? optional : guard)(ctx, next);
  });
  app.use(async (ctx) => {
    const route = `${ctx.method} ${ctx.path}`;
    if (!ROUTES.has(route)) return; // Koa's default 404
    const send = (): Promise<void> => {
      ctx.body = identity(route, ctx.state.auth);
      return Promise.resolve();
    };
    if (route === 'GET /admin') await admin(ctx, send);
    else await send();
  });

  const handle = app.callback();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.send('hello');
  });
  const upgradeListenersBeforeGuard = server.listenerCount('upgrade');
  koaAdapter.guardUpgrades(server, {
    ...options,
    ...(onReject === undefined
      ? {}
      : {
          onReject: (result: GuardFailure, _req: unknown, socket: Duplex) => {
            rawReject(socket, onReject(result));
          },
        }),
  });
  const port = await listen(server);
  return { framework: 'koa', port, upgradeListenersBeforeGuard, close: () => closeServer(server, wss) };
}

async function startFastify(options: AppOptions, onReject?: NeutralReject): Promise<RunningServer> {
  const app = Fastify({ trustProxy: options.trustProxy === true });
  await app.register(fastifyWebsocket);
  await app.register(fastifyAdapter.rebindGuard, {
    ...options,
    ...(onReject === undefined
      ? {}
      : {
          onReject: (result: GuardFailure, _request: unknown, reply: import('fastify').FastifyReply) => {
            const custom = onReject(result);
            return reply.code(custom.status).headers(custom.headers).send(custom.body);
          },
        }),
  });
  const send = (route: string) => (request: import('fastify').FastifyRequest) => identity(route, request.auth);
  app.get('/', send('GET /'));
  app.post('/items', send('POST /items'));
  app.put('/items', send('PUT /items'));
  app.delete('/items', send('DELETE /items'));
  app.get('/healthz', send('GET /healthz'));
  // Scopes need verified tokens: on a plugin without auth, route scopes are a start-up error.
  if (options.auth !== undefined)
    app.get('/admin', { config: { rebindGuard: { scopes: ['admin'] } } }, send('GET /admin'));
  app.get('/feed', { config: { rebindGuard: { auth: 'optional' } } }, send('GET /feed'));
  app.get('/ws', { websocket: true }, (socket) => {
    socket.send('hello');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = portOf(app.server);
  return {
    framework: 'fastify',
    port,
    upgradeListenersBeforeGuard: 0,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** Starts the test API on `framework` with `options` (and optionally a custom rejection). */
export function startServer(
  framework: Framework,
  options: AppOptions,
  onReject?: NeutralReject,
): Promise<RunningServer> {
  if (framework === 'express') return startExpress(options, onReject);
  if (framework === 'koa') return startKoa(options, onReject);
  return startFastify(options, onReject);
}

/** The default rejection rendered by core, for comparing custom and default answers. */
export { problemResponse };
