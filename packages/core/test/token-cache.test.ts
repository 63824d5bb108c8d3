import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import jsonwebtoken from 'jsonwebtoken';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGuard,
  JwtVerifier,
  type AuthOptions,
  type GuardResult,
  type JwtClaims,
  type KeyInput,
} from '../src/index.js';
import { HeaderMemo, TokenCache } from '../src/internal/token-cache.js';
import {
  craftToken,
  jwtSegment as enc,
  signToken,
  TEST_AUDIENCE as AUD,
  TEST_ISSUER as ISS,
  TEST_SECRET as SECRET,
  testKeyPair,
} from '../../../test/helpers/tokens.js';
import { base, claims, HOSTS, NOW, type Auth } from './jwt-fixtures.js';

const API = { hostname: 'api.example.com', port: undefined };

const guardWith = (overrides: Partial<Auth> = {}) => createGuard({ hosts: HOSTS, auth: { ...base, ...overrides } });
const check = (guard: ReturnType<typeof guardWith>, token: string, host = 'api.example.com'): Promise<GuardResult> =>
  guard.check({ method: 'GET', url: '/', headers: { host, authorization: `Bearer ${token}` } });
const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);

let verifySpy: { mockRestore(): void; mock: { calls: unknown[][] } };
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
  verifySpy = vi.spyOn(jsonwebtoken, 'verify');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('auth.cache option', () => {
  it.each([
    ['a string', 'yes', /must be false \(no cache\) or an object such as \{ max: 1000 \}/],
    ['null', null, /must be false \(no cache\) or an object/],
    ['an array', [1000], /must be false \(no cache\) or an object/],
    ['max 0', { max: 0 }, /max must be a whole number of tokens >= 1, e.g. \{ max: 1000 \}; write cache: false/],
    ['a fractional max', { max: 2.5 }, /max must be a whole number/],
    ['an infinite max', { max: Number.POSITIVE_INFINITY }, /max must be a whole number/],
    ['a string max', { max: '1000' }, /max must be a whole number/],
    ['an unknown key', { ttl: 60 }, /has no option "ttl"; the only option is max/],
  ])('refuses %s with a TypeError that says what to write', (_name, cache, message) => {
    expect(() => guardWith({ cache: cache as AuthOptions['cache'] })).toThrow(TypeError);
    expect(() => guardWith({ cache: cache as AuthOptions['cache'] })).toThrow(message);
  });

  it.each([[undefined], [true], [false], [{}], [{ max: 1 }], [{ max: 50_000 }]])('accepts %j', (cache) => {
    expect(() => guardWith({ cache: cache as AuthOptions['cache'] })).not.toThrow();
  });

  it('is on by default: a repeat token is not verified again', async () => {
    const guard = guardWith();
    const token = craftToken(claims());
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(1);
  });

  it('cache: false verifies every time', async () => {
    const guard = guardWith({ cache: false });
    const token = craftToken(claims());
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(2);
  });
});

describe('a hit returns what the full check returns', () => {
  it('equal AuthInfo, but objects of its own (one request mutating its claims cannot leak into another)', async () => {
    const payload = claims({ aud: [AUD, 'other'], roles: ['admin'], nested: { a: [1, { b: null }] } });
    const token = craftToken(payload);
    const uncached = await check(guardWith({ cache: false }), token);
    const guard = guardWith();
    const first = await check(guard, token);
    const second = await check(guard, token);
    expect(verifySpy).toHaveBeenCalledTimes(2);
    if (!uncached.ok || !first.ok || !second.ok) throw new Error('expected three successes');
    expect(first.auth).toEqual(uncached.auth);
    expect(second.auth).toEqual(uncached.auth);
    const claimsOf = (result: GuardResult): JwtClaims =>
      result.ok && result.auth !== undefined ? result.auth.claims : {};
    (claimsOf(first).roles as string[]).push('root');
    claimsOf(first).sub = 'mallory';
    (claimsOf(second).nested as { a: unknown[] }).a.push('x');
    const third = await check(guard, token);
    expect(third.ok && third.auth).toEqual(uncached.auth);
    expect(third.ok && third.auth?.header).not.toBe(second.auth?.header);
  });

  it('keeps an own "__proto__" claim as data, as JSON.parse does', async () => {
    const signed = craftToken(`{"aud":"${AUD}","iss":"${ISS}","exp":${NOW + 60},"__proto__":{"admin":true}}`, {
      header: { alg: 'HS256' },
    });
    const guard = guardWith();
    await check(guard, signed);
    const hit = await check(guard, signed);
    expect(verifySpy).toHaveBeenCalledTimes(1);
    const hitClaims = hit.ok ? hit.auth?.claims : undefined;
    expect(Object.getPrototypeOf(hitClaims)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(hitClaims, '__proto__')?.value).toEqual({ admin: true });
    expect((hitClaims as { admin?: unknown }).admin).toBeUndefined();
  });

  // A differential sweep: at every second around each boundary, the cached guard answers exactly
  // what a guard without cache answers, for tokens first seen while they were valid.
  it.each([
    ['exp', claims({ exp: NOW + 30 }), {}],
    ['exp with clockTolerance 0', claims({ exp: NOW + 30 }), { clockTolerance: 0 }],
    ['exp with clockTolerance 20', claims({ exp: NOW + 30 }), { clockTolerance: 20 }],
    ['maxAge from iat', claims({ iat: NOW - 5, exp: NOW + 3600 }), { maxAge: 40 }],
    ['maxAge ending after exp', claims({ iat: NOW - 5, exp: NOW + 20 }), { maxAge: 60 }],
    [
      'no exp with requireExp false and maxAge',
      claims({ exp: undefined, iat: NOW }),
      { requireExp: false, maxAge: 25 },
    ],
    ['nbf (clock set back below it)', claims({ nbf: NOW - 2, exp: NOW + 30 }), {}],
  ] as const)('%s: same result as without a cache at every second', async (_name, payload, options) => {
    const cached = guardWith(options);
    const uncached = guardWith({ ...options, cache: false });
    const token = craftToken(payload);
    expect(codeOf(await check(cached, token))).toBe('ok');
    const seen = new Set<string>();
    for (let second = -30; second <= 90; second++) {
      vi.setSystemTime((NOW + second) * 1000 + 999);
      const expected = codeOf(await check(uncached, token));
      seen.add(expected);
      expect([second, codeOf(await check(cached, token))]).toEqual([second, expected]);
    }
    // The sweep crossed a boundary: both accepted and refused answers were compared.
    expect(seen.has('ok')).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('a token verified, then expired, fails as token_expired', async () => {
    const guard = guardWith({ clockTolerance: 0 });
    const token = craftToken(claims({ exp: NOW + 60 }));
    expect(codeOf(await check(guard, token))).toBe('ok');
    vi.setSystemTime((NOW + 59) * 1000);
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(1);
    vi.setSystemTime((NOW + 60) * 1000);
    expect(codeOf(await check(guard, token))).toBe('token_expired');
    vi.setSystemTime((NOW + 30) * 1000);
    // The expired entry was dropped, not kept: going back in time verifies afresh.
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(3);
  });

  it('never caches failures: a not-yet-active token becomes valid later, a bad audience stays bad', async () => {
    const guard = guardWith({ clockTolerance: 0 });
    const early = craftToken(claims({ nbf: NOW + 10 }));
    expect(codeOf(await check(guard, early))).toBe('token_not_active');
    vi.setSystemTime((NOW + 10) * 1000);
    expect(codeOf(await check(guard, early))).toBe('ok');
    const foreign = craftToken(claims({ aud: 'https://other.example.com' }));
    expect(codeOf(await check(guard, foreign))).toBe('token_audience_invalid');
    expect(codeOf(await check(guard, foreign))).toBe('token_audience_invalid');
    expect(verifySpy).toHaveBeenCalledTimes(4);
  });

  it('host-bound audience: a token cached for host A fails on host B', async () => {
    const guard = guardWith({ audience: (host) => `https://${host.hostname}` });
    const token = craftToken(claims({ aud: 'https://staging.example.com' }));
    expect(codeOf(await check(guard, token, 'staging.example.com'))).toBe('ok');
    expect(codeOf(await check(guard, token, 'staging.example.com'))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(1);
    expect(codeOf(await check(guard, token, 'api.example.com'))).toBe('token_audience_invalid');
    expect(codeOf(await check(guard, token, 'api.example.com'))).toBe('token_audience_invalid');
    expect(codeOf(await check(guard, token, 'staging.example.com'))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(3);
  });

  it('the claims validator runs on every hit (it may not be pure: revocation)', async () => {
    const revoked = new Set<string>();
    let calls = 0;
    const guard = guardWith({
      claims: (c: JwtClaims): c is JwtClaims => {
        calls++;
        return typeof c.jti === 'string' && !revoked.has(c.jti);
      },
    });
    const token = craftToken(claims({ jti: 'session-1' }));
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(codeOf(await check(guard, token))).toBe('ok');
    revoked.add('session-1');
    expect(codeOf(await check(guard, token))).toBe('token_claims_invalid');
    expect(calls).toBe(3);
    expect(verifySpy).toHaveBeenCalledTimes(1);
  });

  it('a parse-style validator gets its own copy of the claims on a hit and its result is returned', async () => {
    const guard = guardWith({ claims: { parse: (c: unknown) => ({ ...(c as JwtClaims), parsed: true }) } });
    const token = craftToken(claims());
    await check(guard, token);
    const hit = await check(guard, token);
    expect(hit.ok && hit.auth?.claims).toMatchObject({ sub: 'user-1', parsed: true });
  });

  it('getKey: a hit is used only while getKey returns the key the token was verified with', async () => {
    const rsa = testKeyPair('rsa');
    const other = testKeyPair('rsa', 'other');
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    let current: KeyInput | undefined = pem;
    const getKey = vi.fn(() => current ?? Promise.reject(new Error('unknown kid')));
    const guard = createGuard({ hosts: HOSTS, auth: { getKey, algorithms: ['RS256'], audience: AUD, issuer: ISS } });
    const token = signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256', keyid: 'k1' });
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(1);
    // The same key as another object (a JWK now): still the same key, still a hit.
    current = rsa.publicKey.export({ format: 'jwk' });
    expect(codeOf(await check(guard, token))).toBe('ok');
    expect(verifySpy).toHaveBeenCalledTimes(1);
    expect(getKey).toHaveBeenCalledTimes(3);
    // Replaced by another key for the same kid: the full check runs (and refuses), as without a cache.
    current = other.publicKey;
    expect(codeOf(await check(guard, token))).toBe('token_invalid');
    expect(getKey).toHaveBeenCalledTimes(5);
    // Retired: refused after one lookup.
    current = undefined;
    expect(codeOf(await check(guard, token))).toBe('token_invalid');
    expect(getKey).toHaveBeenCalledTimes(6);
  });
});

describe('bounded memory', () => {
  const settings = { clockTolerance: 5, maxAge: undefined, hostBound: false };
  const key = testKeyPair('ec-p256').publicKey;

  it('holds at most max entries under 100,000 distinct tokens', () => {
    const cache = new TokenCache({ max: 1000 }, settings);
    for (let i = 0; i < 100_000; i++) {
      cache.set(`token-${i}`, API, { exp: NOW + 600, sub: `user-${i}` }, { alg: 'ES256' }, key);
      if (cache.size > 1000) throw new Error(`${cache.size} entries after ${i + 1} tokens`);
    }
    expect(cache.size).toBe(1000);
    // The newest are kept, the oldest evicted.
    expect(cache.get('token-99999', API)).toBeDefined();
    expect(cache.get('token-0', API)).toBeUndefined();
  }, 60_000);

  it('evicts the least recently used: a token in use survives a flood of new ones', () => {
    const cache = new TokenCache({ max: 8 }, settings);
    cache.set('hot', API, { exp: NOW + 600 }, { alg: 'ES256' }, key);
    cache.set('cold', API, { exp: NOW + 600 }, { alg: 'ES256' }, key);
    for (let i = 0; i < 1000; i++) {
      cache.set(`flood-${i}`, API, { exp: NOW + 600 }, { alg: 'ES256' }, key);
      expect(cache.get('hot', API)).toBeDefined();
      expect(cache.size).toBeLessThanOrEqual(8);
    }
    expect(cache.get('cold', API)).toBeUndefined();
  });

  it('max: 1 keeps only the last token', () => {
    const cache = new TokenCache({ max: 1 }, settings);
    cache.set('a', API, { exp: NOW + 600 }, { alg: 'ES256' }, key);
    cache.set('b', API, { exp: NOW + 600 }, { alg: 'ES256' }, key);
    expect(cache.size).toBe(1);
    expect(cache.get('a', API)).toBeUndefined();
    expect(cache.get('b', API)).toBeDefined();
  });

  it('does not store a token that is already past its deadline', () => {
    const cache = new TokenCache({ max: 10 }, { ...settings, clockTolerance: 0 });
    cache.set('late', API, { exp: NOW }, { alg: 'ES256' }, key);
    expect(cache.size).toBe(0);
  });

  it('keeps the heap bounded while a verifier sees 100,000 distinct valid tokens', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return getHeapStatistics().used_heap_size;
    };
    const verifier = new JwtVerifier({ key: SECRET, algorithms: ['HS256'], audience: AUD, issuer: ISS });
    // About 300 characters, like a real access token.
    const mint = (i: number): string =>
      craftToken(claims({ sub: `user-${i}`, jti: `${i}-${'x'.repeat(64)}`, scope: 'read write admin' }));
    verifySpy.mockRestore();
    for (let i = 0; i < 2000; i++) await verifier.verify(mint(i), API);
    const before = heap();
    let ok = 0;
    for (let i = 2000; i < 102_000; i++) if ((await verifier.verify(mint(i), API)).ok) ok++;
    const growth = heap() - before;
    expect(ok).toBe(100_000);
    // 100,000 cached tokens take about 90 MB; the default max of 1,000 keeps the heap flat.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    // (Using the verifier afterwards keeps it, and its cache, alive through the measurement.)
    const spy = vi.spyOn(jsonwebtoken, 'verify');
    expect((await verifier.verify(mint(101_999), API)).ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(0);
    expect((await verifier.verify(mint(2000), API)).ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  }, 120_000);
});

describe('decoded headers (uncached path)', () => {
  const decode = (segment: string): unknown => {
    try {
      return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  };

  it('decodes each distinct header once and hands out fresh copies', () => {
    let calls = 0;
    const memo = new HeaderMemo((segment) => {
      calls++;
      return decode(segment);
    });
    const segment = enc({ alg: 'HS256', typ: 'JWT', x5c: ['a'] });
    const first = memo.decode(segment) as { x5c: string[] };
    first.x5c.push('b');
    expect(memo.decode(segment)).toEqual({ alg: 'HS256', typ: 'JWT', x5c: ['a'] });
    expect(memo.decode(segment)).not.toBe(memo.decode(segment));
    expect(calls).toBe(1);
  });

  it('stays bounded and never remembers undecodable segments', () => {
    let calls = 0;
    const memo = new HeaderMemo((segment) => {
      calls++;
      return decode(segment);
    }, 4);
    for (let i = 0; i < 100; i++) memo.decode(enc({ alg: 'HS256', kid: `k${i}` }));
    expect(calls).toBe(100);
    memo.decode(enc({ alg: 'HS256', kid: 'k99' }));
    expect(calls).toBe(100);
    memo.decode(enc({ alg: 'HS256', kid: 'k0' }));
    expect(calls).toBe(101);
    expect(memo.decode('%%%')).toBeUndefined();
    expect(memo.decode('%%%')).toBeUndefined();
    expect(calls).toBe(103);
  });
});
