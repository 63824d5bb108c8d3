/**
 * Type tests: the claims type of `rebindGuard<Claims>()` flows to `ctx.state.auth`; without one,
 * the augmented `RebindGuardClaims` does; bad options are type errors. (Koa has no global
 * augmentation, so importing the package by name is exact: the module augmented below is the
 * built one this file imports, as in a consumer's project.)
 */
import { describe, expectTypeOf, it } from 'vitest';
import Koa, { type Context, type Middleware } from 'koa';
import type { AuthInfo, Guard, GuardFailure } from '@rebind-guard/core';
import {
  guardUpgrades,
  rebindGuard,
  requireScopes,
  type KoaGuardOptions,
  type RebindGuardClaims,
  type RebindGuardMiddleware,
  type RebindGuardState,
} from '@rebind-guard/koa';

declare module '@rebind-guard/koa' {
  interface RebindGuardClaims {
    org: string;
    roles: string[];
  }
}

interface MyClaims {
  sub: string;
  tenant: string;
}

const auth = { key: 'secret', algorithms: ['HS256'], audience: 'api', issuer: false } as const;

describe('koa types', () => {
  it('rebindGuard<MyClaims>() types ctx.state.auth for later middleware', () => {
    const app = new Koa().use(rebindGuard<MyClaims>({ hosts: ['localhost'], auth }));
    app.use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthInfo<MyClaims> | undefined>();
      expectTypeOf(ctx.state.auth?.claims.tenant).toEqualTypeOf<string | undefined>();
    });
  });

  it('without a claims type, claims are the augmentable RebindGuardClaims', () => {
    const app = new Koa().use(rebindGuard({ hosts: ['localhost'], auth }));
    app.use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthInfo<RebindGuardClaims> | undefined>();
      // The augmentation above, next to the registered claims.
      expectTypeOf(ctx.state.auth?.claims.org).toEqualTypeOf<string | undefined>();
      expectTypeOf(ctx.state.auth?.claims.roles).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(ctx.state.auth?.claims.sub).toEqualTypeOf<string | undefined>();
    });
    expectTypeOf<RebindGuardState['auth']>().toEqualTypeOf<AuthInfo<RebindGuardClaims> | undefined>();
    expectTypeOf(rebindGuard.optional({ hosts: ['localhost'], auth }).guard).toEqualTypeOf<Guard<RebindGuardClaims>>();
    const options: KoaGuardOptions = { hosts: ['localhost'], auth };
    expectTypeOf(rebindGuard(options).guard).toEqualTypeOf<Guard<RebindGuardClaims>>();
  });

  it('the middleware, helpers and state types', () => {
    const guard = rebindGuard<MyClaims>({ hosts: ['localhost'], auth });
    expectTypeOf(guard).toEqualTypeOf<RebindGuardMiddleware<MyClaims>>();
    expectTypeOf(guard).toExtend<Middleware<RebindGuardState<MyClaims>>>();
    expectTypeOf(guard.requireScopes('admin')).toEqualTypeOf<Middleware<RebindGuardState<MyClaims>>>();
    expectTypeOf(requireScopes('admin')).toEqualTypeOf<Middleware<RebindGuardState>>();
    expectTypeOf(rebindGuard.optional<MyClaims>({ hosts: ['localhost'], auth })).toEqualTypeOf<
      RebindGuardMiddleware<MyClaims>
    >();
    expectTypeOf<typeof guard.guard.isAllowedOrigin>().toEqualTypeOf<(origin: string) => boolean>();
  });

  it('onReject is typed with the failure and the context, and may be async', () => {
    rebindGuard({
      hosts: ['localhost'],
      async onReject(result, ctx) {
        expectTypeOf(result).toEqualTypeOf<GuardFailure>();
        expectTypeOf(ctx).toEqualTypeOf<Context>();
        await Promise.resolve();
        ctx.status = result.status;
      },
    });
  });

  it('bad options are type errors', () => {
    // @ts-expect-error hosts is required
    rebindGuard({ origins: ['https://app.example.com'] });
    // @ts-expect-error unknown option
    rebindGuard({ hosts: ['localhost'], allowHosts: true });
    // @ts-expect-error authMode is 'required' | 'optional' | 'off'
    rebindGuard({ hosts: ['localhost'], authMode: true });
    // @ts-expect-error origins is a list
    rebindGuard({ hosts: ['localhost'], origins: 'https://app.example.com' });
    // @ts-expect-error algorithms is required
    rebindGuard({ hosts: ['localhost'], auth: { key: 'secret', audience: 'api', issuer: false } });
    rebindGuard({
      hosts: ['localhost'],
      // @ts-expect-error onReject takes (result, ctx)
      onReject: (result: GuardFailure, ctx: Context, extra: string) => {
        ctx.body = [result.code, extra];
      },
    });
    // @ts-expect-error scopes are strings
    requireScopes(['admin']);
    // @ts-expect-error guardUpgrades needs a server
    guardUpgrades(new Koa(), { hosts: ['localhost'] });
  });
});
