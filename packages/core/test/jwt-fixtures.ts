/**
 * The fixed clock, hosts, claims and auth options the JWT and token-cache tests share. Those tests
 * fake `Date` at {@link NOW}, so tokens stay valid (or expired) however slowly they run.
 */
import type { AuthOptions, KeyInput } from '../src/index.js';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from '../../../test/helpers/tokens.js';

/** The faked "now", in seconds. */
export const NOW = 1_700_000_000;

/** The guard's allowed hosts. */
export const HOSTS = ['api.example.com', 'staging.example.com'];

/** Valid claims at {@link NOW}, with `extra` applied. */
export const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'user-1',
  aud: TEST_AUDIENCE,
  iss: TEST_ISSUER,
  iat: NOW - 10,
  exp: NOW + 600,
  ...extra,
});

/** Auth options whose key source a test may swap (`key` for `getKey`). */
export type Auth = Omit<AuthOptions, 'key' | 'getKey'> & { key?: KeyInput; getKey?: AuthOptions['getKey'] };

/** HS256 with the test secret, audience and issuer. */
export const base: Auth = { key: TEST_SECRET, algorithms: ['HS256'], audience: TEST_AUDIENCE, issuer: TEST_ISSUER };
