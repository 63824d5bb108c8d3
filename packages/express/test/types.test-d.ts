/**
 * Type tests: claims flow to `req.auth`, by augmenting `RebindGuardClaims` and via
 * `GuardedRequest<MyClaims>`; bad options are type errors.
 *
 * Why `'../src/index.js'` and not `'@rebind-guard/express'`: this package's tsconfig compiles
 * `src/` too, while the self-name `@rebind-guard/express` resolves (package `exports`) to
 * `dist/index.d.ts`. Both copies augment the global `Express.Request` with `auth`, and the `src/`
 * one wins, so an augmentation of the dist module would not reach `req.auth` here — unlike in a
 * consumer, who only has dist. The augmentation below is the very module consumers augment as
 * `declare module '@rebind-guard/express'`; test/adapters/consumer-types.test.ts compiles that
 * exact spelling against the built package.
 */
import { describe, expectTypeOf, it } from 'vitest';
import express, { type RequestHandler } from 'express';
import type { AuthInfo, GuardFailure, GuardResult } from '@rebind-guard/core';
import {
  guardUpgrades,
  rebindGuard,
  requireScopes,
  type GuardedRequest,
  type RebindGuardClaims,
  type RebindGuardMiddleware,
} from '../src/index.js';

declare module '../src/index.js' {
  interface RebindGuardClaims {
    tenant: string;
  }
}

interface MyClaims {
  // Deliberately incompatible with the registered `sub?: string`: GuardedRequest must replace the
  // claims type, not intersect it (an intersection would make this `never`).
  sub: number;
  roles: readonly ('admin' | 'user')[];
}

const auth = { key: 'secret', algorithms: ['HS256'], audience: 'api', issuer: false } as const;

describe('express types', () => {
  it('augmented RebindGuardClaims flow to req.auth', () => {
    const app = express();
    app.use(rebindGuard({ hosts: ['localhost'], auth }));
    app.get('/', (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AuthInfo<RebindGuardClaims> | undefined>();
      expectTypeOf(req.auth?.claims.tenant).toEqualTypeOf<string | undefined>();
      // Registered claims stay available next to the augmentation.
      expectTypeOf(req.auth?.claims.sub).toEqualTypeOf<string | undefined>();
      res.end();
    });
  });

  it('GuardedRequest<MyClaims> types a guard created with rebindGuard<MyClaims>()', () => {
    const guard = rebindGuard<MyClaims>({ hosts: ['localhost'], auth });
    expectTypeOf(guard).toEqualTypeOf<RebindGuardMiddleware<MyClaims>>();
    expectTypeOf(guard).toExtend<RequestHandler>();
    const handler: RequestHandler = (req, res) => {
      const guarded = req as GuardedRequest<MyClaims>;
      const info = guarded.auth;
      expectTypeOf(info).toEqualTypeOf<AuthInfo<MyClaims> | undefined>();
      expectTypeOf(info?.claims.roles).toEqualTypeOf<readonly ('admin' | 'user')[] | undefined>();
      expectTypeOf(info?.claims.sub).toEqualTypeOf<number | undefined>();
      // Everything else about the request is still Express's.
      expectTypeOf(guarded.originalUrl).toEqualTypeOf<string>();
      expectTypeOf(guarded.get('host')).toEqualTypeOf<string | undefined>();
      res.end();
    };
    expectTypeOf(handler).toBeFunction();
  });

  it('the compiled guard and helpers are typed', () => {
    const guard = rebindGuard<MyClaims>({ hosts: ['localhost'], auth });
    expectTypeOf<Awaited<ReturnType<typeof guard.guard.check>>>().toEqualTypeOf<GuardResult<MyClaims>>();
    expectTypeOf(guard.requireScopes('admin')).toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireScopes('admin', 'write')).toEqualTypeOf<RequestHandler>();
    expectTypeOf(rebindGuard.optional<MyClaims>({ hosts: ['localhost'], auth })).toEqualTypeOf<
      RebindGuardMiddleware<MyClaims>
    >();
  });

  it('onReject is typed with the failure and Express objects', () => {
    rebindGuard({
      hosts: ['localhost'],
      onReject(result, req, res, next) {
        expectTypeOf(result).toEqualTypeOf<GuardFailure>();
        expectTypeOf(req).toEqualTypeOf<express.Request>();
        expectTypeOf(res).toEqualTypeOf<express.Response>();
        expectTypeOf(next).toEqualTypeOf<express.NextFunction>();
        res.status(result.status).end();
      },
    });
  });

  it('bad options are type errors', () => {
    // @ts-expect-error hosts is required
    rebindGuard({});
    // @ts-expect-error hosts must be strings, RegExps or the like
    rebindGuard({ hosts: [42] });
    // @ts-expect-error unknown option
    rebindGuard({ hosts: ['localhost'], allowedHosts: ['localhost'] });
    // @ts-expect-error authMode is 'required' | 'optional' | 'off'
    rebindGuard({ hosts: ['localhost'], authMode: 'sometimes' });
    // @ts-expect-error trustProxy is boolean
    rebindGuard({ hosts: ['localhost'], trustProxy: 'yes' });
    // @ts-expect-error 'none' is not an algorithm
    rebindGuard({ hosts: ['localhost'], auth: { ...auth, algorithms: ['none'] } });
    // @ts-expect-error issuer is required (false skips it on purpose); audience may only be left out with resourceMetadata, checked at start-up
    rebindGuard({ hosts: ['localhost'], auth: { key: 'secret', algorithms: ['HS256'], audience: 'api' } });
    // @ts-expect-error onReject must be a function
    rebindGuard({ hosts: ['localhost'], onReject: 'json' });
    // @ts-expect-error guardUpgrades needs a server
    guardUpgrades({}, { hosts: ['localhost'] });
  });
});
