/**
 * Type tests: augmenting `RebindGuardClaims` types `request.auth`; route config and bad options
 * are checked.
 *
 * Why `'../src/index.js'` and not `'@rebind-guard/fastify'`: this package's tsconfig compiles
 * `src/` too, while the self-name resolves (package `exports`) to `dist/index.d.ts`; both copies
 * augment `fastify`'s `FastifyRequest` with `auth`, and the `src/` one wins. The module augmented
 * below is the one consumers augment as `declare module '@rebind-guard/fastify'`;
 * test/adapters/consumer-types.test.ts compiles that exact spelling against the built package.
 */
import { describe, expectTypeOf, it } from 'vitest';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AuthInfo, Guard, GuardFailure } from '@rebind-guard/core';
import { rebindGuard, type FastifyGuardOptions, type RebindGuardClaims, type RouteGuardConfig } from '../src/index.js';

declare module '../src/index.js' {
  interface RebindGuardClaims {
    tenant: string;
    roles: string[];
  }
}

const auth = { key: 'secret', algorithms: ['HS256'], audience: 'api', issuer: false } as const;

describe('fastify types', () => {
  it('augmented RebindGuardClaims flow to request.auth (undefined when absent)', async () => {
    const app = Fastify();
    await app.register(rebindGuard, { hosts: ['localhost'], auth });
    app.get('/', (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<AuthInfo<RebindGuardClaims> | undefined>();
      expectTypeOf(request.auth?.claims.tenant).toEqualTypeOf<string | undefined>();
      expectTypeOf(request.auth?.claims.roles).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(request.auth?.claims.sub).toEqualTypeOf<string | undefined>();
      return 'ok';
    });
    expectTypeOf(app.rebindGuard).toEqualTypeOf<Guard<RebindGuardClaims>>();
  });

  it('route config.rebindGuard is typed', () => {
    const app = Fastify();
    app.get('/feed', { config: { rebindGuard: { authMode: 'optional' } } }, () => 'ok');
    app.get('/admin', { config: { rebindGuard: { scopes: ['admin'] } } }, () => 'ok');
    // @ts-expect-error authMode is 'required' | 'optional' | 'off'
    app.get('/bad', { config: { rebindGuard: { authMode: 'maybe' } } }, () => 'ok');
    // The former name still types (deprecated: the lint rule no-deprecated flags it).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    app.get('/old', { config: { rebindGuard: { auth: 'optional' } } }, () => 'ok');
    // @ts-expect-error auth is 'required' | 'optional' | 'off'
    app.get('/bad', { config: { rebindGuard: { auth: 'maybe' } } }, () => 'ok');
    // @ts-expect-error scopes is a list
    app.get('/bad', { config: { rebindGuard: { scopes: 'admin' } } }, () => 'ok');
    // An unknown key such as `{ scope: ['admin'] }` is NOT a type error: Fastify infers the route's
    // ContextConfig from the literal and intersects it with FastifyContextConfig, so extra keys
    // pass. It is a TypeError when the route is added instead (see fastify.test.ts).
    app.get('/lenient', { config: { rebindGuard: { scopes: ['admin'], extra: true } } }, () => 'ok');
    expectTypeOf<RouteGuardConfig['authMode']>().toEqualTypeOf<'required' | 'optional' | 'off' | undefined>();
    expectTypeOf<RouteGuardConfig['auth']>().toEqualTypeOf<RouteGuardConfig['authMode']>();
  });

  it('onReject is typed with the failure, request and reply', () => {
    const options: FastifyGuardOptions = {
      hosts: ['localhost'],
      onReject: async (result, request, reply) => {
        expectTypeOf(result).toEqualTypeOf<GuardFailure>();
        expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
        expectTypeOf(reply).toEqualTypeOf<FastifyReply>();
        return reply.code(result.status).send({ error: result.code });
      },
    };
    expectTypeOf(options).toExtend<FastifyGuardOptions>();
  });

  it('bad options are type errors', async () => {
    const app = Fastify();
    // @ts-expect-error hosts is required
    await app.register(rebindGuard, {});
    // @ts-expect-error unknown option
    await app.register(rebindGuard, { hosts: ['localhost'], allowedHosts: [] });
    // @ts-expect-error authMode is 'required' | 'optional' | 'off'
    await app.register(rebindGuard, { hosts: ['localhost'], authMode: 'sometimes' });
    // @ts-expect-error excludeHost is boolean
    await app.register(rebindGuard, { hosts: ['localhost'], excludeHost: 'yes' });
    // @ts-expect-error 'none' is not an algorithm
    await app.register(rebindGuard, { hosts: ['localhost'], auth: { ...auth, algorithms: ['none'] } });
  });
});
