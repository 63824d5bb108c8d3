/**
 * Servers and hostile clients for the standing adversarial suite (issue 11). Each server exposes
 * its `node:http` server so a test can count open connections: after every attack the count must
 * return to 0 and the process must still be alive.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { WebSocketServer } from 'ws';
import type { KeyInput } from '@rebind-guard/core';
import { guardUpgrades, type GuardedIncomingMessage } from '@rebind-guard/core/node';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from '../helpers/tokens.js';
import { closeServer, listen, portOf } from '../helpers/http.js';

export const SETUPS = ['express', 'koa', 'node', 'fastify'] as const;
export type Setup = (typeof SETUPS)[number];

export interface FaultServer {
  readonly setup: Setup;
  readonly port: number;
  readonly server: Server;
  /** Subjects of the tokens of accepted WebSocket connections (from `req.auth` / `request.auth`). */
  readonly connectedSubjects: (string | null)[];
  close(): Promise<void>;
}

export interface FaultOptions {
  /** Delay of the async `getKey`, in ms (the window in which a client can vanish). */
  readonly keyDelayMs?: number;
  /** Make the upgrade `onReject` (and the HTTP one) throw. */
  readonly throwingOnReject?: boolean;
  /** `exclude` paths (upgrades on them still need an allowed Origin). */
  readonly exclude?: readonly string[];
}

export const ORIGIN = 'http://localhost:5173';

function guardOptions(options: FaultOptions) {
  const delay = options.keyDelayMs ?? 0;
  return {
    hosts: ['localhost'],
    origins: [ORIGIN],
    authMode: 'optional' as const,
    ...(options.exclude === undefined ? {} : { exclude: options.exclude }),
    auth: {
      getKey: async (): Promise<KeyInput> => {
        if (delay > 0) await sleep(delay);
        return TEST_SECRET;
      },
      algorithms: ['HS256' as const],
      audience: TEST_AUDIENCE,
      issuer: TEST_ISSUER,
    },
  };
}

const thrower = (): never => {
  throw new Error('onReject exploded');
};

function subjectOf(req: IncomingMessage): string | null {
  const sub = (req as GuardedIncomingMessage).auth?.claims.sub;
  return typeof sub === 'string' ? sub : null;
}

/** Starts a server of `setup` with a `ws` (or @fastify/websocket) endpoint at /ws and GET / and POST /items. */
export async function startFaultServer(setup: Setup, options: FaultOptions = {}): Promise<FaultServer> {
  const base = guardOptions(options);
  const connectedSubjects: (string | null)[] = [];
  const upgradeReject = options.throwingOnReject === true ? { onReject: thrower } : {};

  if (setup === 'fastify') {
    const app = Fastify();
    await app.register(fastifyWebsocket);
    await app.register(fastifyAdapter.rebindGuard, {
      ...base,
      ...(options.throwingOnReject === true ? { onReject: thrower } : {}),
    });
    app.get('/', () => ({ ok: true }));
    app.post('/items', () => ({ ok: true }));
    app.get('/ws', { websocket: true }, (socket, request) => {
      const sub = request.auth?.claims.sub;
      connectedSubjects.push(typeof sub === 'string' ? sub : null);
      socket.send('hello');
    });
    app.get('/public/live', { websocket: true }, (socket) => {
      socket.send('public');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      setup,
      port: portOf(app.server),
      server: app.server,
      connectedSubjects,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  }

  let server: Server;
  if (setup === 'express') {
    const app = express();
    app.use(
      expressAdapter.rebindGuard({ ...base, ...(options.throwingOnReject === true ? { onReject: thrower } : {}) }),
    );
    app.get('/', (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/items', (_req, res) => {
      res.json({ ok: true });
    });
    server = createServer(app);
  } else if (setup === 'koa') {
    const app = new Koa();
    app.silent = true; // the thrown onReject is expected; keep the test output clean
    app.use(koaAdapter.rebindGuard({ ...base, ...(options.throwingOnReject === true ? { onReject: thrower } : {}) }));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const handle = app.callback();
    server = createServer((req, res) => {
      void handle(req, res);
    });
  } else {
    server = createServer((_req, res) => {
      res.end('{"ok":true}');
    });
  }
  const wss = new WebSocketServer({ server, path: undefined });
  wss.on('connection', (socket, req) => {
    connectedSubjects.push(subjectOf(req));
    socket.send('hello');
  });
  const guardServer =
    setup === 'express' ? expressAdapter.guardUpgrades : setup === 'koa' ? koaAdapter.guardUpgrades : guardUpgrades;
  guardServer(server, { ...base, ...upgradeReject });
  const port = await listen(server);
  return { setup, port, server, connectedSubjects, close: () => closeServer(server, wss) };
}

/** Open TCP connections on the server, as Node counts them. */
export function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.getConnections((error, count) => {
      if (error) reject(error);
      else resolve(count);
    });
  });
}

/** Waits until the server has no open connection; fails after `timeoutMs`. */
export async function drained(server: Server, timeoutMs = 6000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await connections(server);
  while (count > 0 && Date.now() < deadline) {
    await sleep(50);
    count = await connections(server);
  }
  return count;
}

export interface Handshake {
  readonly host?: string;
  readonly origin?: string | null;
  readonly token?: string;
  readonly path?: string;
}

/** A WebSocket handshake with a valid 16-byte key. */
export function handshake(spec: Handshake = {}): string {
  const lines = [
    `GET ${spec.path ?? '/ws'} HTTP/1.1`,
    `Host: ${spec.host ?? 'localhost'}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ];
  if (spec.origin !== null) lines.push(`Origin: ${spec.origin ?? ORIGIN}`);
  if (spec.token !== undefined) lines.push(`Authorization: Bearer ${spec.token}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Connects, writes `bytes`, and resolves with the socket once it is connected. With
 * `allowHalfOpen`, the client never sends its own FIN when the server ends: a client that never
 * closes.
 */
export async function open(port: number, bytes?: string, allowHalfOpen = false): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen });
  socket.on('error', () => undefined); // the client side of the fault; only the server must survive
  await once(socket, 'connect');
  if (bytes !== undefined) socket.write(bytes);
  return socket;
}

/** Resolves with the first chunk the server sends (or '' if it closes first). */
export function firstData(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1'));
    });
    socket.once('close', () => {
      resolve('');
    });
  });
}

/** Resolves when the server closes the socket (or after `timeoutMs` with false). */
export function closedByServer(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume();
  });
}
