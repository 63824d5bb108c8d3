/**
 * Adapter options over real sockets, compared across frameworks (issue #4): `onReject`
 * customisation (HTTP and WebSocket upgrades), app-wide `authMode: 'optional'`, and `exclude`
 * with `excludeHost`.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import type { GuardFailure } from '@rebind-guard/core';
import { rebindGuard as expressGuard } from '@rebind-guard/express';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';
import { buildRequest, TOKENS, VARIANTS, wsHandshake } from './cases.js';
import { listen, portOf, rawRequest, type RawResponse } from '../helpers/http.js';
import { FRAMEWORKS, startServer, type Framework, type RunningServer } from './servers.js';

const customReject = (result: GuardFailure) => ({
  status: result.status === 401 ? 401 : 404,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-rejected': result.code,
    ...(result.headers['www-authenticate'] === undefined
      ? {}
      : { 'www-authenticate': result.headers['www-authenticate'] }),
  },
  body: JSON.stringify({ error: result.code }),
});

const summary = (response: RawResponse) => ({
  status: response.status,
  contentType: response.header('content-type'),
  rejected: response.header('x-rejected'),
  wwwAuthenticate: response.header('www-authenticate'),
  body: response.body,
});

describe('onReject replaces the default problem+json answer, identically on every adapter', () => {
  const servers = new Map<Framework, RunningServer>();
  beforeAll(async () => {
    for (const framework of FRAMEWORKS)
      servers.set(framework, await startServer(framework, VARIANTS.default, customReject));
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });

  const requests = {
    'foreign Host': buildRequest({ host: 'rebind.test' }),
    'foreign Origin': buildRequest({ method: 'POST', target: '/items', headers: [['Origin', 'https://evil.test']] }),
    'missing token': buildRequest({ token: null }),
    'missing scope': buildRequest({ target: '/admin' }),
    'websocket from a foreign Origin': wsHandshake({ origin: 'https://evil.test' }),
    'websocket without a token': wsHandshake({ token: null }),
  };
  const expected: Record<keyof typeof requests, ReturnType<typeof summary>> = {
    'foreign Host': {
      status: 404,
      contentType: 'application/json; charset=utf-8',
      rejected: 'host_not_allowed',
      wwwAuthenticate: null,
      body: '{"error":"host_not_allowed"}',
    },
    'foreign Origin': {
      status: 404,
      contentType: 'application/json; charset=utf-8',
      rejected: 'origin_not_allowed',
      wwwAuthenticate: null,
      body: '{"error":"origin_not_allowed"}',
    },
    'missing token': {
      status: 401,
      contentType: 'application/json; charset=utf-8',
      rejected: 'token_missing',
      wwwAuthenticate: 'Bearer realm="api"',
      body: '{"error":"token_missing"}',
    },
    'missing scope': {
      status: 404,
      contentType: 'application/json; charset=utf-8',
      rejected: 'insufficient_scope',
      wwwAuthenticate: 'Bearer realm="api", error="insufficient_scope", scope="admin"',
      body: '{"error":"insufficient_scope"}',
    },
    'websocket from a foreign Origin': {
      status: 404,
      contentType: 'application/json; charset=utf-8',
      rejected: 'origin_not_allowed',
      wwwAuthenticate: null,
      body: '{"error":"origin_not_allowed"}',
    },
    'websocket without a token': {
      status: 401,
      contentType: 'application/json; charset=utf-8',
      rejected: 'token_missing',
      wwwAuthenticate: 'Bearer realm="api"',
      body: '{"error":"token_missing"}',
    },
  };

  for (const [name, bytes] of Object.entries(requests) as [keyof typeof requests, string][]) {
    it(name, async () => {
      const seen: Partial<Record<Framework, ReturnType<typeof summary>>> = {};
      for (const framework of FRAMEWORKS)
        seen[framework] = summary(await rawRequest(servers.get(framework)?.port ?? 0, bytes));
      expect(seen).toEqual({ express: expected[name], koa: expected[name], fastify: expected[name] });
    });
  }

  it('allowed requests never reach onReject', async () => {
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(servers.get(framework)?.port ?? 0, buildRequest({}));
      expect([framework, response.status, response.header('x-rejected')]).toEqual([framework, 200, null]);
    }
  });
});

// --- app-wide optional auth: what each framework exposes --------------------------------------

type AuthProbe = { auth: 'undefined' | 'null' | 'set'; sub: string | null };

function probe(auth: { claims: { sub?: unknown } } | null | undefined): AuthProbe {
  return {
    auth: auth === undefined ? 'undefined' : auth === null ? 'null' : 'set',
    sub: typeof auth?.claims.sub === 'string' ? auth.claims.sub : null,
  };
}

const OPTIONAL = { ...VARIANTS.default, authMode: 'optional' } as const;

describe("authMode: 'optional' (app-wide)", () => {
  const ports = new Map<Framework, number>();
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const expressApp = express();
    expressApp.use(expressGuard(OPTIONAL));
    expressApp.get('/', (req, res) => {
      res.json(probe(req.auth));
    });
    const expressServer = http.createServer(expressApp);
    ports.set('express', await listen(expressServer));
    closers.push(
      () =>
        new Promise((resolve) =>
          expressServer.close(() => {
            resolve();
          }),
        ),
    );

    const koaApp = new Koa().use(koaGuard(OPTIONAL));
    koaApp.use((ctx) => {
      ctx.body = probe(ctx.state.auth);
    });
    const handle = koaApp.callback();
    const koaServer = http.createServer((req, res) => {
      void handle(req, res);
    });
    ports.set('koa', await listen(koaServer));
    closers.push(
      () =>
        new Promise((resolve) =>
          koaServer.close(() => {
            resolve();
          }),
        ),
    );

    const fastifyApp = Fastify();
    await fastifyApp.register(fastifyGuard, OPTIONAL);
    fastifyApp.get('/', (request) => probe(request.auth));
    await fastifyApp.listen({ port: 0, host: '127.0.0.1' });
    ports.set('fastify', portOf(fastifyApp.server));
    closers.push(() => fastifyApp.close());
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('a missing token passes: req.auth / ctx.state.auth / request.auth are undefined', async () => {
    const seen: Record<string, unknown> = {};
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(ports.get(framework) ?? 0, buildRequest({ token: null }));
      seen[framework] = [response.status, JSON.parse(response.body)];
    }
    // One value for "no verified token" everywhere (Fastify decorates request.auth with undefined).
    expect(seen).toEqual({
      express: [200, { auth: 'undefined', sub: null }],
      koa: [200, { auth: 'undefined', sub: null }],
      fastify: [200, { auth: 'undefined', sub: null }],
    });
  });

  it('a valid token is verified and exposed', async () => {
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(ports.get(framework) ?? 0, buildRequest({}));
      expect([framework, response.status, JSON.parse(response.body)]).toEqual([
        framework,
        200,
        { auth: 'set', sub: 'alice' },
      ]);
    }
  });

  it.each([
    ['expired', buildRequest({ token: TOKENS.expired }), 401, 'token_expired'],
    ['badly signed', buildRequest({ token: TOKENS.wrongSecret }), 401, 'token_invalid'],
    ['malformed', buildRequest({ token: 'x y' }), 400, 'token_malformed'],
    ['duplicated', buildRequest({ headers: [['Authorization', `Bearer ${TOKENS.valid}`]] }), 400, 'token_duplicate'],
  ])('a %s token still fails', async (_name, bytes, status, code) => {
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(ports.get(framework) ?? 0, bytes);
      expect([framework, response.status, response.code]).toEqual([framework, status, code]);
    }
  });

  it('Host is still checked', async () => {
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(ports.get(framework) ?? 0, buildRequest({ host: 'rebind.test', token: null }));
      expect([framework, response.status, response.code]).toEqual([framework, 403, 'host_not_allowed']);
    }
  });
});

// --- exclude + excludeHost ----------------------------------------------------------------------

describe('exclude with excludeHost: true (probes that send a pod IP)', () => {
  const servers = new Map<Framework, RunningServer>();
  beforeAll(async () => {
    const options = { ...VARIANTS.default, exclude: ['/healthz'], excludeHost: true };
    for (const framework of FRAMEWORKS) servers.set(framework, await startServer(framework, options));
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });

  it.each([
    [
      'excluded path, foreign Host',
      buildRequest({ target: '/healthz', host: '10.1.2.3:8080', token: null }),
      200,
      null,
    ],
    [
      'excluded path, no Host at all (HTTP/1.0)',
      buildRequest({ target: '/healthz', host: null, version: '1.0', token: null }),
      200,
      null,
    ],
    ['other paths still check Host', buildRequest({ host: '10.1.2.3:8080' }), 403, 'host_not_allowed'],
    ['other paths still need a token', buildRequest({ token: null }), 401, 'token_missing'],
    [
      'dot segments do not reach the exclusion',
      buildRequest({ target: '/healthz/../', host: '10.1.2.3' }),
      403,
      'host_not_allowed',
    ],
  ] as const)('%s', async (_name, bytes, status, code) => {
    for (const framework of FRAMEWORKS) {
      const response = await rawRequest(servers.get(framework)?.port ?? 0, bytes);
      expect([framework, response.status, response.code]).toEqual([framework, status, code]);
    }
  });
});
