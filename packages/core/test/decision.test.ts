/**
 * decisionOf (core/node): the guard's decision without a promise when no token is verified.
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type Guard, type GuardRequest } from '@rebind-guard/core';
import { decisionOf } from '@rebind-guard/core/node';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, mintToken } from '../../../test/helpers/tokens.js';

const auth = { key: TEST_SECRET, algorithms: ['HS256' as const], audience: TEST_AUDIENCE, issuer: TEST_ISSUER };
const get = (headers: GuardRequest['headers']): GuardRequest => ({ method: 'GET', url: '/', headers });

describe('decisionOf', () => {
  it('answers at once when no token is verified, and agrees with check', async () => {
    const guard = createGuard({ hosts: ['api.example.com'], auth });
    const decide = decisionOf(guard);
    for (const request of [
      get({ host: 'api.example.com' }), // token_missing
      get({ host: 'rebind.test' }), // host_not_allowed
      get({ host: 'api.example.com', authorization: 'Basic dXNlcg==' }), // another scheme
    ]) {
      const result = decide(request);
      expect(result).not.toBeInstanceOf(Promise);
      expect(result).toEqual(await guard.check(request));
    }
    expect(decide(get({ host: 'api.example.com' }), { authMode: 'optional' })).toMatchObject({ ok: true });
  });

  it('verifies a token with a static key at once, and returns a promise while a key is looked up', async () => {
    const request = get({ host: 'api.example.com', authorization: `Bearer ${mintToken({ sub: 'alice' })}` });
    const staticKey = createGuard({ hosts: ['api.example.com'], auth: { ...auth, cache: false } });
    const now = decisionOf(staticKey)(request);
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(await staticKey.check(request));
    expect(!(now instanceof Promise) && now.ok && now.auth?.claims.sub).toBe('alice');

    const { key, ...rest } = auth;
    const lookup = createGuard({ hosts: ['api.example.com'], auth: { ...rest, getKey: () => Promise.resolve(key) } });
    const pending = decisionOf(lookup)(request);
    expect(pending).toBeInstanceOf(Promise);
    const result = await pending;
    expect(result.ok && result.auth?.claims.sub).toBe('alice');
    expect(await lookup.check(request)).toEqual(result);
  });

  it('fails closed as guard_error on a hostile request instead of throwing', () => {
    const guard = createGuard({ hosts: ['api.example.com'] });
    const headers = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('hostile');
        },
      },
    );
    const result = decisionOf(guard)({ method: 'GET', url: '/', headers });
    expect(result).toMatchObject({ ok: false, code: 'guard_error', status: 500 });
  });

  it('asks a guard that createGuard did not build through its check', async () => {
    const real = createGuard({ hosts: ['api.example.com'] });
    const seen: GuardRequest[] = [];
    const wrapped: Guard = {
      ...real,
      check: (request, options) => {
        seen.push(request);
        return real.check(request, options);
      },
    };
    const request = get({ host: 'api.example.com' });
    const result = decisionOf(wrapped)(request);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toMatchObject({ ok: true });
    expect(seen).toEqual([request]);
  });
});
