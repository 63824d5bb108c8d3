/**
 * One guarded server for the soak (soak.mjs), in its own process: `node soak-server.mjs <setup>`
 * with setup express | koa | node | fastify. Listens on 127.0.0.1:0 and talks to the parent over
 * IPC: sends { port } when ready and answers { type: 'stats' } with memory, open connections and
 * the errors that reached the process (which would have crashed it without the handler below).
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { WebSocketServer } from 'ws';
import { guardRequests, guardUpgrades } from '@rebind-guard/core/node';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';

const SOAK_SECRET = 'rebind-guard soak: an HS256 secret of enough length';
const setup = process.argv[2] ?? 'express';

const uncaught = [];
process.on('uncaughtException', (error) => uncaught.push(String(error?.stack ?? error)));
process.on('unhandledRejection', (error) => uncaught.push(String(error?.stack ?? error)));

const options = {
  hosts: ['localhost', '127.0.0.1'],
  origins: ['http://localhost:5173'],
  authMode: 'optional',
  auth: {
    // Async on purpose: clients that vanish while it is pending are part of the soak.
    getKey: async () => {
      await sleep(2);
      return SOAK_SECRET;
    },
    algorithms: ['HS256'],
    audience: 'https://api.example.com',
    issuer: 'https://idp.example.com',
  },
};

let server;
if (setup === 'fastify') {
  const app = Fastify();
  await app.register(fastifyWebsocket);
  await app.register(fastifyAdapter.rebindGuard, options);
  app.get('/', (request) => ({ sub: request.auth?.claims.sub ?? null }));
  app.post('/items', () => ({ ok: true }));
  app.get('/ws', { websocket: true }, (socket) => socket.send('hello'));
  await app.ready();
  server = app.server;
} else {
  if (setup === 'express') {
    const app = express();
    app.use(expressAdapter.rebindGuard(options));
    app.get('/', (req, res) => res.json({ sub: req.auth?.claims.sub ?? null }));
    app.post('/items', (_req, res) => res.json({ ok: true }));
    server = createServer(app);
  } else if (setup === 'koa') {
    const app = new Koa();
    app.use(koaAdapter.rebindGuard(options));
    app.use((ctx) => {
      ctx.body = { sub: ctx.state.auth?.claims.sub ?? null };
    });
    const handle = app.callback();
    server = createServer((req, res) => void handle(req, res));
  } else {
    // Bare node:http: guardRequests for HTTP, guardUpgrades for upgrades.
    const guard = guardRequests(options);
    server = createServer((req, res) =>
      guard(req, res, () => res.end(JSON.stringify({ sub: req.auth?.claims.sub ?? null }))),
    );
  }
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.send('hello'));
  guardUpgrades(server, options);
}

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', (message) => {
  if (message?.type !== 'stats') return;
  globalThis.gc?.();
  server.getConnections((error, connections) => {
    const memory = process.memoryUsage();
    process.send({
      type: 'stats',
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      connections: error ? -1 : connections,
      uncaught,
    });
  });
});
