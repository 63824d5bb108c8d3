// Deliberately vulnerable fixture servers, one weakness each, plus guarded adapter apps.
// Everything listens on 127.0.0.1:0 only.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import {
  closeServer,
  listen as listenOnLoopback,
  serve,
  serveFastify,
  type Served,
} from '../../../test/helpers/http.js';
import jwt from 'jsonwebtoken';
import { nowSeconds, signToken } from '../../../test/helpers/tokens.js';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { LOOPBACK_HOSTS } from '@rebind-guard/core';
import { guardUpgrades, rebindGuard as expressGuard } from '@rebind-guard/express';
import { WebSocketServer } from 'ws';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';

export const SECRET = 'fixture-secret-0123456789abcdef0123456789';
export const AUDIENCE = 'https://api.test';
export const TRUSTED = 'https://app.test';

export interface Running {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Adds the URL the probe is pointed at. */
const withUrl = (served: Served): Running => ({ ...served, url: `http://127.0.0.1:${served.port}/` });

export async function listen(handler: RequestListener): Promise<Running> {
  return withUrl(await serve(handler));
}

const ok = (res: ServerResponse, body: unknown = { ok: true }): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const deny = (res: ServerResponse, status = 403): void => {
  res.writeHead(status, { 'content-type': 'text/plain' }).end('denied');
};
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Host check that is correct for one header but reads only the first Host line (as Node does). */
function firstHostAllowed(req: IncomingMessage, port: number): boolean {
  return req.headers.host === `127.0.0.1:${port}`;
}

/** A strict-enough hand-written baseline: exact Host (all lines), exact origin, no absolute-form. */
function strictHost(req: IncomingMessage, port: number): boolean {
  const hosts: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === 'host') hosts.push(req.rawHeaders[index + 1] ?? '');
  }
  const forwarded = req.headers['x-forwarded-host'];
  return (
    hosts.length === 1 && hosts[0] === `127.0.0.1:${port}` && (req.url ?? '').startsWith('/') && forwarded === undefined
  );
}

function strictOrigin(req: IncomingMessage): boolean {
  if (!UNSAFE.has(req.method ?? '')) return true;
  return req.headers.origin === TRUSTED;
}

type Weakness = (req: IncomingMessage, res: ServerResponse, port: number) => void;

/** The fixture weaknesses, by name. Each server is otherwise strict (so only its weakness shows). */
export const WEAKNESSES: Readonly<Record<string, Weakness>> = {
  /** Answers every Host. */
  'any-host': (req, res) => {
    ok(res);
  },
  /** Checks the Host header, but only the first one; nothing else. */
  'duplicate-host': (req, res, port) => {
    // Reads req.headers.host, which holds the first Host line only: a second one goes unnoticed.
    if (
      !firstHostAllowed(req, port) ||
      !(req.url ?? '').startsWith('/') ||
      req.headers['x-forwarded-host'] !== undefined ||
      !strictOrigin(req)
    ) {
      deny(res);
      return;
    }
    ok(res);
  },
  /** Strict host; origin checked with startsWith. */
  'prefix-origin': (req, res, port) => {
    if (!strictHost(req, port)) {
      deny(res);
      return;
    }
    const origin = req.headers.origin ?? '';
    if (UNSAFE.has(req.method ?? '') && !origin.startsWith(TRUSTED)) {
      deny(res);
      return;
    }
    ok(res);
  },
  /** Strict host; origin allowlist includes the string "null". */
  'null-origin': (req, res, port) => {
    if (!strictHost(req, port)) {
      deny(res);
      return;
    }
    if (UNSAFE.has(req.method ?? '') && ![TRUSTED, 'null'].includes(req.headers.origin ?? '')) {
      deny(res);
      return;
    }
    ok(res);
  },
  /** Strict host and origin, no auth at all (tokens ignored). */
  'no-auth': (req, res, port) => {
    if (!strictHost(req, port) || !strictOrigin(req)) {
      deny(res);
      return;
    }
    ok(res);
  },
  /** Strict host and origin; tokens are decoded, never verified (alg: none and any audience pass). */
  'unverified-token': (req, res, port) => {
    if (!strictHost(req, port) || !strictOrigin(req)) {
      deny(res);
      return;
    }
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/.exec(req.headers.authorization ?? '');
    const claims = match?.[1] === undefined ? null : jwt.decode(match[1]);
    if (claims === null) {
      deny(res, 401);
      return;
    }
    ok(res, claims);
  },
};

/** Starts a fixture server with one weakness. */
export async function startFixture(name: keyof typeof WEAKNESSES): Promise<Running> {
  const weakness = WEAKNESSES[name];
  if (weakness === undefined) throw new Error(`no fixture ${name}`);
  let port = 0;
  const running = await listen((req, res) => {
    weakness(req, res, port);
  });
  port = running.port;
  return running;
}

/**
 * A json-server-like API with no checks at all: GET /posts, POST /posts, GET and DELETE
 * /posts/:id. It counts every state-changing request it receives.
 */
export async function startPosts(): Promise<Running & { unsafeRequests: () => number; posts: () => number[] }> {
  const posts = new Map<number, string>([
    [1, 'hello'],
    [2, 'world'],
  ]);
  let next = 3;
  let unsafe = 0;
  const running = await listen((req, res) => {
    if (UNSAFE.has(req.method ?? '')) unsafe++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const id = /^\/posts\/(\d+)$/.exec(path)?.[1];
    if (path === '/posts' && req.method === 'GET') ok(res, [...posts.keys()]);
    else if (path === '/posts' && req.method === 'POST') {
      posts.set(next, 'new');
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: next++ }));
    } else if (id !== undefined && (req.method === 'GET' || req.method === 'DELETE')) {
      if (!posts.has(Number(id))) deny(res, 404);
      else {
        if (req.method === 'DELETE') posts.delete(Number(id));
        ok(res, { id: Number(id) });
      }
    } else deny(res, path === '/posts' || id !== undefined ? 405 : 404);
  });
  return { ...running, unsafeRequests: () => unsafe, posts: () => [...posts.keys()] };
}

/**
 * Express + `ws` on one server. Without `guarded`, the WebSocket server checks no Origin (a real
 * cross-site WebSocket hijack); with it, `guardUpgrades` allows loopback hosts and {@link TRUSTED}.
 * `protocol`: the subprotocol the server insists on (handshakes without it are refused).
 */
export async function startWebSocket(
  options: { guarded?: boolean; protocol?: string } = {},
): Promise<Running & { connections: () => number }> {
  const app = express();
  app.get('/', (req, res) => {
    res.json({ ok: true });
  });
  const server = createServer(app);
  let connections = 0;
  const { protocol } = options;
  const wss = new WebSocketServer({
    server,
    handleProtocols: (offered) => (protocol !== undefined && offered.has(protocol) ? protocol : false),
    verifyClient: (info: { req: IncomingMessage }) =>
      protocol === undefined || (info.req.headers['sec-websocket-protocol'] ?? '').split(/\s*,\s*/).includes(protocol),
  });
  wss.on('connection', (socket) => {
    connections++;
    socket.close();
  });
  if (options.guarded === true) guardUpgrades(server, { hosts: [...LOOPBACK_HOSTS], origins: [TRUSTED] });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    connections: () => connections,
    close: () => closeServer(server, wss),
  };
}

export const GUARD_OPTIONS = {
  hosts: [...LOOPBACK_HOSTS],
  origins: [TRUSTED],
  auth: { key: SECRET, algorithms: ['HS256' as const], audience: AUDIENCE, issuer: false as const },
};

/** The three adapters, each guarding GET / and POST / with auth. */
export async function startGuarded(framework: 'express' | 'koa' | 'fastify'): Promise<Running> {
  if (framework === 'express') {
    const app = express();
    app.use(expressGuard(GUARD_OPTIONS));
    app.get('/', (req, res) => {
      res.json({ user: req.auth?.claims.sub });
    });
    app.post('/', (req, res) => {
      res.json({ done: true });
    });
    return listen(app);
  }
  if (framework === 'koa') {
    const app = new Koa();
    app.use(koaGuard(GUARD_OPTIONS));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    return withUrl(await serve(app.callback()));
  }
  const app = Fastify();
  await app.register(fastifyGuard, GUARD_OPTIONS);
  app.get('/', () => ({ ok: true }));
  app.post('/', () => ({ done: true }));
  return withUrl(await serveFastify(app));
}

/** A server that accepts connections and never answers. */
export async function startSilent(): Promise<Running> {
  const { createServer: createTcpServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          done();
        });
      }),
  };
}

/** A valid token for the guarded fixtures. */
export function validToken(): string {
  return signToken({ sub: 'alice', aud: AUDIENCE, exp: nowSeconds() + 600 }, { key: SECRET });
}
