/**
 * Claim checks per route (issue 17): `requireClaims` on Express and Koa (the guard's method and
 * the standalone middleware), `config.rebindGuard.claims` on Fastify — the same answers on all
 * three, as express-oauth2-jwt-bearer's claimEquals / claimIncludes give them.
 */
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimRequirement } from '@rebind-guard/core';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { rawRequest, serve, serveFastify, type Served } from '../helpers/http.js';
import { mintToken, TEST_AUDIENCE, TEST_SECRET } from '../helpers/tokens.js';

interface OrgClaims {
  sub: string;
  org: string;
  roles: string[];
  scope: string;
  email_verified: boolean;
}

/** A plain literal, so it fits every adapter's options type whatever their claims type. */
const OPTIONS = {
  hosts: ['localhost'],
  authMode: 'optional' as const,
  auth: { key: TEST_SECRET, algorithms: ['HS256' as const], audience: TEST_AUDIENCE, issuer: false as const },
};

const ROUTES: Record<string, ClaimRequirement<OrgClaims>> = {
  '/acme': { equals: { org: 'acme', email_verified: true } },
  '/admins': { includes: { roles: ['admin'] } },
  '/writers': { includes: { scope: ['items:write', 'items:read'] } },
};

const mint = (claims: Partial<OrgClaims>): string =>
  mintToken({
    sub: 'u1',
    org: 'acme',
    roles: ['admin', 'dev'],
    scope: 'items:read items:write',
    email_verified: true,
    ...claims,
  });

const running = new Map<string, Served>();

beforeAll(async () => {
  // Express: the guard's method for /acme and /writers, the standalone middleware for /admins.
  const app = express();
  const guard = expressAdapter.rebindGuard<OrgClaims>(OPTIONS);
  app.use(guard);
  app.get('/acme', guard.requireClaims(ROUTES['/acme'] ?? {}), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/admins', expressAdapter.requireClaims<OrgClaims>(ROUTES['/admins'] ?? {}), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/writers', guard.requireClaims(ROUTES['/writers'] ?? {}), (_req, res) => {
    res.json({ ok: true });
  });
  running.set('express', await serve(app));

  const koa = new Koa<koaAdapter.RebindGuardState<OrgClaims>>();
  const koaGuard = koaAdapter.rebindGuard<OrgClaims>(OPTIONS);
  const checks = new Map([
    ['/acme', koaGuard.requireClaims(ROUTES['/acme'] ?? {})],
    ['/admins', koaAdapter.requireClaims<OrgClaims>(ROUTES['/admins'] ?? {})],
    ['/writers', koaGuard.requireClaims(ROUTES['/writers'] ?? {})],
  ]);
  koa.use(koaGuard);
  koa.use(async (ctx, next) => {
    const check = checks.get(ctx.path);
    if (check === undefined) return;
    await check(ctx, next);
  });
  koa.use((ctx) => {
    ctx.body = { ok: true };
  });
  running.set('koa', await serve(koa.callback()));

  const fastify = Fastify();
  await fastify.register(fastifyAdapter.rebindGuard, OPTIONS);
  for (const [path, claims] of Object.entries(ROUTES)) {
    fastify.get(path, { config: { rebindGuard: { claims } } }, () => ({ ok: true }));
  }
  running.set('fastify', await serveFastify(fastify));
});

afterAll(async () => {
  for (const server of running.values()) await server.close();
});

const get = (path: string, token?: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${token === undefined ? '' : `Authorization: Bearer ${token}\r\n`}Connection: close\r\n\r\n`;

const CASES: readonly (readonly [string, string, string | undefined, number, string | null, string | null])[] = [
  ['equals: matching claims', '/acme', mint({}), 200, null, null],
  [
    'equals: another org',
    '/acme',
    mint({ org: 'evil' }),
    401,
    'token_claims_invalid',
    'Bearer realm="api", error="invalid_token"',
  ],
  [
    'equals: a boolean must be exactly true',
    '/acme',
    mint({ email_verified: 'true' as unknown as boolean }),
    401,
    'token_claims_invalid',
    'Bearer realm="api", error="invalid_token"',
  ],
  ['includes: array holds the value', '/admins', mint({}), 200, null, null],
  [
    'includes: array lacks the value',
    '/admins',
    mint({ roles: ['dev'] }),
    401,
    'token_claims_invalid',
    'Bearer realm="api", error="invalid_token"',
  ],
  [
    'includes: a string claim counts as a space-separated list',
    '/admins',
    mint({ roles: 'admin' as unknown as string[] }),
    200,
    null,
    null,
  ],
  ['includes: space-separated string holds every value', '/writers', mint({}), 200, null, null],
  [
    'includes: space-separated string lacks one',
    '/writers',
    mint({ scope: 'items:read' }),
    401,
    'token_claims_invalid',
    'Bearer realm="api", error="invalid_token"',
  ],
  ['no token (optional auth) on a claim route', '/acme', undefined, 401, 'token_missing', 'Bearer realm="api"'],
];

describe.each(['express', 'koa', 'fastify'])('%s', (framework) => {
  it.each(CASES)('%s', async (_name, path, token, status, code, challenge) => {
    const response = await rawRequest(running.get(framework)?.port ?? 0, get(path, token));
    expect([response.status, response.code, response.header('www-authenticate')]).toEqual([status, code, challenge]);
  });
});

describe('claim requirements are checked at start-up', () => {
  it.each<[string, unknown, RegExp]>([
    ['empty', {}, /is empty/],
    ['unknown key', { equal: { org: 'acme' } }, /unknown keys equal/],
    ['object value', { equals: { org: { name: 'acme' } } }, /equals\.org must be a string/],
    ['empty list', { includes: { roles: [] } }, /includes\.roles must be a non-empty list/],
  ])('%s', async (_name, requirement, message) => {
    const claims = requirement as ClaimRequirement;
    expect(() => expressAdapter.requireClaims(claims)).toThrow(message);
    expect(() => koaAdapter.requireClaims(claims)).toThrow(message);
    const app = Fastify();
    await app.register(fastifyAdapter.rebindGuard, OPTIONS);
    expect(() => app.get('/x', { config: { rebindGuard: { claims } } }, () => ({}))).toThrow(message);
    await app.close();
  });
});
