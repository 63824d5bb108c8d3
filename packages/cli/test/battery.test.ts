import { describe, expect, it } from 'vitest';
import { hostProbes, routeProbes, type BatteryContext, type Route } from '../src/probe/battery.js';
import { AUDIENCE, SECRET, TRUSTED } from './servers.js';

const context = (extra: Partial<BatteryContext> = {}): BatteryContext => ({
  protocol: 'http:',
  host: 'localhost:3000',
  hostname: 'localhost',
  foreignHost: 'rebind.test:3000',
  foreignName: 'rebind.test',
  trustedOrigin: TRUSTED,
  tokens: {},
  userAgent: 'test',
  ...extra,
});
const get: Route = { method: 'GET', target: '/items', requiresToken: false };
const post: Route = { method: 'POST', target: '/items', requiresToken: true };
const ids = (probes: readonly { id: string }[]): string[] => probes.map((probe) => probe.id);

describe('the battery table', () => {
  it('host-level probes, in order, each with the primary route as control', () => {
    const probes = hostProbes(context(), get);
    expect(ids(probes)).toEqual([
      'host-lookalike',
      'host-userinfo',
      'host-path',
      'host-duplicate',
      'host-absolute-form',
      'host-missing',
      'forwarded-host-spoof',
      'websocket-foreign-origin',
    ]);
    expect(probes[0]?.title).toBe('Host localhost.rebind.test:3000 (allowed name as a prefix)');
    expect(probes[0]?.attack.headers[0]).toEqual(['Host', 'localhost.rebind.test:3000']);
    expect(probes.slice(0, 7).every((probe) => probe.unchecked?.probe === 'host-foreign')).toBe(true);
    expect(probes.slice(0, 7).map((probe) => probe.category)).toEqual([
      'rebinding',
      ...Array<string>(5).fill('host-parsing'),
      'rebinding',
    ]);
    expect(probes[7]?.upgrade).toBe(true);
  });

  it('a safe route without a token gets the rebinding probe only', () => {
    const probes = routeProbes(context(), get);
    expect(ids(probes)).toEqual(['host-foreign']);
    expect(probes[0]?.title).toBe('Foreign Host rebind.test:3000 (DNS rebinding)');
    expect(probes[0]?.attack.headers.some(([name]) => name === 'Origin')).toBe(false);
  });

  it('an unsafe token route gets origin and auth probes; replay and minted ones only with a token and a key', () => {
    const bare = routeProbes(context(), post);
    const csrf = ['origin-foreign', 'origin-null', 'origin-lookalike'];
    expect(ids(bare)).toEqual(['host-foreign', ...csrf, 'auth-missing', 'auth-wrong-scheme', 'token-alg-none']);
    // Without a token there is no legitimate control for the auth probes.
    expect(bare.slice(4).map((probe) => probe.control)).toEqual([undefined, undefined, undefined]);
    expect(bare[0]?.attack.headers).toContainEqual(['Origin', 'http://rebind.test:3000']);
    expect(bare[3]?.title).toBe(`POST with lookalike Origin/Referer ${TRUSTED}.evil.test`);

    const full = routeProbes(
      context({ token: 'a.b.c', tokens: { key: SECRET, audience: AUDIENCE, algorithm: 'HS256' } }),
      post,
    );
    expect(ids(full)).toEqual([
      'host-foreign',
      ...csrf,
      'auth-missing',
      'auth-wrong-scheme',
      'auth-malformed',
      'auth-duplicate',
      'token-alg-none',
      'token-wrong-audience',
      'token-expired',
    ]);
    expect(full[0]?.title).toMatch(/, valid token replayed$/);
    expect(full.every((probe) => probe.control !== undefined)).toBe(true);
    expect(full[6]?.attack.headers).toContainEqual(['Authorization', 'Bearer a.b.c rebind']);
  });
});
