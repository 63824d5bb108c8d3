/**
 * Victim apps for the browser end-to-end tests (issue #8): the same small API on Express 5, Koa 3
 * and Fastify 5, either guarded by rebind-guard (hosts `localhost`, `127.0.0.1`) or unprotected.
 *
 * Routes (identical on every framework):
 *   GET  /        the test page (PAGE_HTML), so the page can be loaded legitimately from the victim
 *   GET  /secret  JSON with a secret
 *   POST /action  a state-changing action; every performed action is counted in `actions`
 *   GET  /ws      WebSocket: sends "hello" on open
 *
 * Every request and upgrade is recorded as the server saw it (method, url, headers, status, body)
 * before the framework or the guard runs, so tests can assert what the browser really sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { WebSocketServer } from 'ws';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { listen } from '../helpers/http.js';

export const FRAMEWORKS = ['express', 'koa', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const SECRET = 'victim-secret-7f3a9c';

/**
 * The page every scenario loads: as the attacker's page (served by the flip proxy from
 * `http://rebind.test:PORT/`) and as the legitimate page (served by the victim itself from
 * `http://localhost:PORT/`). It only uses relative URLs, exactly like a rebinding payload.
 * A token kept in the real origin's localStorage is sent as a Bearer token when present.
 */
export const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>rebind-guard e2e</title><link rel="icon" href="data:,"></head>
<body><h1>page</h1><script>
async function call(path, init) {
  try {
    const response = await fetch(path, Object.assign({ cache: 'no-store' }, init));
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: '', error: String(error) };
  }
}
function openSocket() {
  return new Promise(function (resolve) {
    let settled = false;
    const done = function (value) { if (!settled) { settled = true; resolve(value); } };
    const socket = new WebSocket('ws://' + location.host + '/ws');
    socket.onmessage = function (event) { done({ opened: true, message: String(event.data) }); socket.close(); };
    socket.onerror = function () { done({ opened: false, message: null }); };
    socket.onclose = function () { done({ opened: false, message: null }); };
    setTimeout(function () { done({ opened: false, message: null, timeout: true }); }, 5000);
  });
}
window.run = async function () {
  const token = localStorage.getItem('token');
  const auth = token ? { authorization: 'Bearer ' + token } : {};
  const get = await call('/secret', { headers: auth });
  const post = await call('/action', { method: 'POST', headers: Object.assign({ 'content-type': 'text/plain' }, auth), body: 'transfer=all' });
  const ws = await openSocket();
  return { origin: location.origin, token: token, cookie: document.cookie, get: get, post: post, ws: ws };
};
</script></body></html>`;

/** A request (or upgrade) as the victim's HTTP server received it. */
export interface Recorded {
  readonly kind: 'request' | 'upgrade';
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Response status (for upgrades: from the first bytes written to the socket; 101 when accepted). */
  status?: number;
  /** Response body as text (problem+json for rejections). */
  body: string;
}

export interface Victim {
  readonly framework: Framework;
  readonly protected: boolean;
  readonly port: number;
  /** Everything the server received, in order. */
  readonly recorded: Recorded[];
  /** How many times POST /action really ran. */
  readonly actions: () => number;
  close(): Promise<void>;
}

export interface VictimOptions {
  readonly framework: Framework;
  /** Guarded by rebind-guard (true) or the unprotected twin (false). */
  readonly protect: boolean;
  /** Extra allowed origins besides the victim's own `http://localhost:PORT`. */
  readonly extraOrigins?: readonly string[];
}

function guardOptions(port: number, extraOrigins: readonly string[]): { hosts: string[]; origins: string[] } {
  return {
    hosts: ['localhost', '127.0.0.1'],
    origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...extraOrigins],
  };
}

/** Captures status and body of a response without changing it. */
function captureResponse(res: ServerResponse, entry: Recorded): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end(...args);
  }) as ServerResponse['end'];
  res.on('finish', () => {
    entry.status = res.statusCode;
    entry.body = Buffer.concat(chunks).toString('utf8');
  });
}

/** Captures the status line and body that an upgrade handler writes onto the raw socket. */
function captureSocket(socket: Duplex, entry: Recorded): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  const end = socket.end.bind(socket) as (...args: unknown[]) => Duplex;
  let written = '';
  const keep = (chunk: unknown): void => {
    if (written.length > 64 * 1024) return;
    written +=
      typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('latin1') : '';
    const match = /^HTTP\/1\.1 (\d{3})/.exec(written);
    if (match?.[1] === undefined) return;
    entry.status = Number(match[1]);
    const split = written.indexOf('\r\n\r\n');
    entry.body = split === -1 || entry.status === 101 ? '' : written.slice(split + 4);
  };
  socket.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as Duplex['write'];
  socket.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end(...args);
  }) as Duplex['end'];
}

/**
 * Wraps `server.emit` outermost (after `guardUpgrades`, which also wraps it), so every request and
 * every upgrade is recorded before anything else sees it, rejected or not.
 */
function record(server: Server, recorded: Recorded[]): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'request' || event === 'upgrade') {
      const req = args[0] as IncomingMessage;
      const entry: Recorded = {
        kind: event,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: { ...req.headers },
        body: '',
      };
      recorded.push(entry);
      if (event === 'request') captureResponse(args[1] as ServerResponse, entry);
      else captureSocket(args[1] as Duplex, entry);
    }
    return emit(event, ...args);
  }) as Server['emit'];
}

function attachWs(server: Server): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.send('hello');
  });
  return wss;
}

/** Starts a victim on 127.0.0.1 (random port). The port is known before the guard is created. */
export async function startVictim(options: VictimOptions): Promise<Victim> {
  const { framework, protect } = options;
  const server = createServer();
  const port = await listen(server);
  const guard = guardOptions(port, options.extraOrigins ?? []);
  let actions = 0;
  let wss: WebSocketServer | undefined;
  let closeApp: () => Promise<void> = () => Promise.resolve();

  if (framework === 'express') {
    const app = express();
    if (protect) app.use(expressAdapter.rebindGuard(guard));
    app.get('/', (_req, res) => {
      res.type('html').send(PAGE_HTML);
    });
    app.get('/secret', (_req, res) => {
      res.json({ secret: SECRET });
    });
    app.post('/action', (_req, res) => {
      actions += 1;
      res.json({ done: true });
    });
    server.on('request', app);
    wss = attachWs(server);
    if (protect) expressAdapter.guardUpgrades(server, guard);
  } else if (framework === 'koa') {
    const app = new Koa();
    if (protect) app.use(koaAdapter.rebindGuard(guard));
    app.use((ctx) => {
      const route = `${ctx.method} ${ctx.path}`;
      if (route === 'GET /') {
        ctx.type = 'html';
        ctx.body = PAGE_HTML;
      } else if (route === 'GET /secret') {
        ctx.body = { secret: SECRET };
      } else if (route === 'POST /action') {
        actions += 1;
        ctx.body = { done: true };
      }
    });
    const handle = app.callback();
    server.on('request', (req, res) => {
      void handle(req, res);
    });
    wss = attachWs(server);
    if (protect) koaAdapter.guardUpgrades(server, guard);
  } else {
    const app = Fastify({
      serverFactory: (handler) => {
        server.on('request', handler);
        return server;
      },
    });
    if (protect) await app.register(fastifyAdapter.rebindGuard, guard);
    await app.register(fastifyWebsocket);
    // Fastify parses JSON and text/plain only; a CSRF form posts urlencoded and must reach the route.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, body);
    });
    app.get('/', (_request, reply) => {
      void reply.type('text/html').send(PAGE_HTML);
    });
    app.get('/secret', (_request, reply) => {
      void reply.send({ secret: SECRET });
    });
    app.post('/action', (_request, reply) => {
      actions += 1;
      void reply.send({ done: true });
    });
    app.get('/ws', { websocket: true }, (socket) => {
      socket.send('hello');
    });
    await app.ready();
    closeApp = () => app.close();
  }

  const recorded: Recorded[] = [];
  record(server, recorded);
  // Upgraded (or rejected-upgrade) sockets are detached from the HTTP server: track them all.
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    framework,
    protected: protect,
    port,
    recorded,
    actions: () => actions,
    close: async () => {
      for (const client of wss?.clients ?? []) client.terminate();
      wss?.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closeApp();
      if (server.listening)
        await new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
    },
  };
}
