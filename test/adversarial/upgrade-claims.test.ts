/**
 * Verified claims reach WebSocket handlers (issue 13 / DESIGN "Adapters"): `guardUpgrades` puts
 * the verified token on the upgrade request as `req.auth`, with `ws` attached through
 * `{ server }` and through `noServer: true` plus the application's own `upgrade` listener.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { AuthInfo } from '@rebind-guard/core';
import { guardUpgrades, type GuardedIncomingMessage } from '@rebind-guard/core/node';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from '../helpers/tokens.js';
import { closeServer, listen } from '../helpers/http.js';

interface Claims {
  sub: string;
  scope: string;
}

const OPTIONS = {
  hosts: ['127.0.0.1'],
  origins: ['http://127.0.0.1:5173'],
  authMode: 'optional' as const,
  auth: { key: TEST_SECRET, algorithms: ['HS256' as const], audience: TEST_AUDIENCE, issuer: TEST_ISSUER },
};

let server: Server | undefined;
afterEach(async () => {
  if (server !== undefined) await closeServer(server);
  server = undefined;
});

async function greet(port: number, token?: string): Promise<string> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, {
    origin: 'http://127.0.0.1:5173',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const [data] = (await once(client, 'message')) as [Buffer];
  client.close();
  return data.toString();
}

function greeting(req: IncomingMessage): string {
  const { auth } = req as GuardedIncomingMessage<Claims>;
  expectTypeOf(auth).toEqualTypeOf<AuthInfo<Claims> | undefined>();
  return `hello ${auth?.claims.sub ?? 'guest'}`;
}

describe('req.auth on accepted upgrades', () => {
  it('ws attached with { server }', async () => {
    server = createServer();
    guardUpgrades<Claims>(server, OPTIONS);
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, req) => {
      socket.send(greeting(req));
    });
    const port = await listen(server);
    expect(await greet(port, mintToken({ sub: 'carol' }))).toBe('hello carol');
    expect(await greet(port)).toBe('hello guest');
  });

  it('ws with noServer: true and the application’s own upgrade listener', async () => {
    server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(greeting(req));
      });
    });
    guardUpgrades<Claims>(server, OPTIONS);
    const port = await listen(server);
    expect(await greet(port, mintToken({ sub: 'dave' }))).toBe('hello dave');
  });
});
