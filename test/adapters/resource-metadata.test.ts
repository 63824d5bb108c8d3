/**
 * RFC 9728 through every adapter (issue 17): each serves the protected resource metadata document
 * at the well-known paths (no route of the app needed), byte-identical, behind the Host check, and
 * every 401 challenge points at it.
 */
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuardOptions } from '@rebind-guard/core';
import { guardRequests } from '@rebind-guard/core/node';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { rawRequest, serve, serveFastify, type Served } from '../helpers/http.js';

const OPTIONS: GuardOptions = {
  hosts: ['localhost'],
  resourceMetadata: {
    resource: 'http://localhost/mcp',
    authorizationServers: ['https://auth.example.com'],
    scopesSupported: ['mcp:tools'],
  },
  auth: { key: 'rfc 9728 adapter tests: a long enough HS256 secret', algorithms: ['HS256'], issuer: false },
};
const METADATA = 'http://localhost/.well-known/oauth-protected-resource/mcp';

type Setup = 'express' | 'koa' | 'fastify' | 'node';
const running = new Map<Setup, Served>();

beforeAll(async () => {
  const app = express();
  app.use(expressAdapter.rebindGuard(OPTIONS));
  app.post('/mcp', (_req, res) => {
    res.json({ ok: true });
  });
  running.set('express', await serve(app));

  const koa = new Koa();
  koa.use(koaAdapter.rebindGuard(OPTIONS));
  koa.use((ctx) => {
    if (ctx.path === '/mcp') ctx.body = { ok: true };
  });
  running.set('koa', await serve(koa.callback()));

  const fastify = Fastify();
  await fastify.register(fastifyAdapter.rebindGuard, OPTIONS);
  fastify.post('/mcp', () => ({ ok: true }));
  running.set('fastify', await serveFastify(fastify));

  const guard = guardRequests(OPTIONS);
  running.set(
    'node',
    await serve((req, res) => {
      guard(req, res, () => res.end('{"ok":true}'));
    }),
  );
});

afterAll(async () => {
  for (const server of running.values()) await server.close();
});

const SETUPS: Setup[] = ['express', 'koa', 'fastify', 'node'];
const get = (path: string, host = 'localhost'): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe.each(SETUPS)('%s', (setup) => {
  const port = (): number => running.get(setup)?.port ?? 0;

  it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    'serves %s',
    async (path) => {
      const response = await rawRequest(port(), get(path));
      expect(response.status).toBe(200);
      expect(response.header('content-type')).toBe('application/json; charset=utf-8');
      expect(response.header('access-control-allow-origin')).toBe('*');
      expect(JSON.parse(response.body)).toEqual({
        resource: 'http://localhost/mcp',
        authorization_servers: ['https://auth.example.com'],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
      });
    },
  );

  it('refuses the metadata to a rebound Host', async () => {
    const response = await rawRequest(port(), get('/.well-known/oauth-protected-resource/mcp', 'rebind.test:8080'));
    expect([response.status, response.code]).toEqual([403, 'host_not_allowed']);
  });

  it('points every 401 at the metadata', async () => {
    const response = await rawRequest(
      port(),
      `POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(401);
    expect(response.header('www-authenticate')).toBe(`Bearer realm="api", resource_metadata="${METADATA}"`);
  });
});
