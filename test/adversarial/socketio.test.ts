/**
 * Socket.IO (issue 11, item 16): the engine answers `/socket.io/` long-polling requests on the
 * `node:http` server before Express, Koa or Fastify see them, so neither the framework guard nor
 * `guardUpgrades` covers them. `io.engine.use(guardRequests(options))` does, on every framework.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequests, guardUpgrades } from '@rebind-guard/core/node';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { listen, rawRequest } from '../helpers/http.js';

const OPTIONS = { hosts: ['localhost', '127.0.0.1'], origins: ['http://localhost:5173'] };
const POLL = '/socket.io/?EIO=4&transport=polling';

interface Running {
  readonly port: number;
  readonly io: SocketIoServer;
  close(): Promise<void>;
}

async function start(framework: 'express' | 'koa' | 'fastify', guardEngine: boolean): Promise<Running> {
  let server: HttpServer;
  let closeApp = async (): Promise<void> => undefined;
  if (framework === 'fastify') {
    const app = Fastify();
    await app.register(fastifyAdapter.rebindGuard, OPTIONS);
    app.get('/', () => ({ ok: true }));
    await app.ready();
    server = app.server;
    closeApp = () => app.close();
  } else if (framework === 'express') {
    const app = express();
    app.use(expressAdapter.rebindGuard(OPTIONS));
    server = createServer(app);
  } else {
    const app = new Koa();
    app.use(koaAdapter.rebindGuard(OPTIONS));
    const handle = app.callback();
    server = createServer((req, res) => {
      void handle(req, res);
    });
  }
  const io = new SocketIoServer(server);
  if (guardEngine) io.engine.use(guardRequests(OPTIONS));
  // Socket.IO takes upgrades straight from the node:http server on every framework (Fastify too).
  guardUpgrades(server, OPTIONS);
  io.on('connection', (socket) => {
    socket.emit('hello', 'world');
  });
  const port = await listen(server);
  return {
    port,
    io,
    close: async () => {
      await io.close();
      await closeApp();
      server.closeAllConnections();
    },
  };
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const poll = (host: string): string => `GET ${POLL} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe.each(['express', 'koa', 'fastify'] as const)('%s + socket.io', (framework) => {
  it('without io.engine.use, a rebound page can open a long-polling session (the hazard)', async () => {
    running = await start(framework, false);
    const response = await rawRequest(running.port, poll('rebind.test:8080'));
    expect(response.status).toBe(200);
    expect(response.body).toContain('"sid"');
  });

  it('with io.engine.use(guardRequests(options)), rebound polling is refused; the real name works', async () => {
    running = await start(framework, true);
    const rebound = await rawRequest(running.port, poll('rebind.test:8080'));
    expect([rebound.status, rebound.code]).toEqual([403, 'host_not_allowed']);
    const local = await rawRequest(running.port, poll(`localhost:${running.port}`));
    expect(local.status).toBe(200);
    expect(local.body).toContain('"sid"');
  });

  it('a rebound WebSocket transport is refused too; a real client connects', async () => {
    running = await start(framework, true);
    const upgrade = await rawRequest(
      running.port,
      [
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
        'Host: rebind.test:8080',
        'Origin: http://rebind.test:8080',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    );
    expect(upgrade.status).toBe(403);
    const client = connectClient(`http://localhost:${running.port}`, {
      transports: ['polling', 'websocket'],
      extraHeaders: { origin: 'http://localhost:5173' },
    });
    try {
      const message = await new Promise<string>((resolve) => {
        client.once('hello', (text: string) => {
          resolve(text);
        });
      });
      expect(message).toBe('world');
    } finally {
      client.close();
    }
  });
});
