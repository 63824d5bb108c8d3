/**
 * Per-call options of guard.check: `authMode` (and its former name `auth`).
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type AuthMode, type GuardRequest } from '@rebind-guard/core';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, mintToken } from '../../../test/helpers/tokens.js';

const guard = createGuard({
  hosts: ['api.example.com'],
  auth: { key: TEST_SECRET, algorithms: ['HS256'], audience: TEST_AUDIENCE, issuer: TEST_ISSUER },
});

function request(authorization?: string): GuardRequest {
  return {
    method: 'GET',
    url: '/',
    headers: { host: 'api.example.com', ...(authorization === undefined ? {} : { authorization }) },
  };
}

describe('guard.check authMode', () => {
  const cases: [AuthMode | undefined, string | undefined, string][] = [
    [undefined, undefined, 'token_missing'],
    ['required', undefined, 'token_missing'],
    ['optional', undefined, 'ok'],
    ['off', undefined, 'ok'],
    ['optional', 'Bearer not.a.jwt', 'token_invalid'],
    ['off', 'Bearer not.a.jwt', 'ok'],
  ];
  it.each(cases)('authMode %s with Authorization %s: %s', async (authMode, authorization, expected) => {
    const result = await guard.check(request(authorization), authMode === undefined ? {} : { authMode });
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });

  it('a valid token passes under every mode but off, which ignores it', async () => {
    const token = `Bearer ${mintToken({ sub: 'alice' })}`;
    for (const authMode of ['required', 'optional'] as const) {
      const result = await guard.check(request(token), { authMode });
      expect(result.ok && result.auth?.claims.sub).toBe('alice');
    }
    const off = await guard.check(request(token), { authMode: 'off' });
    expect(off.ok && off.auth).toBeUndefined();
  });

  it('still takes the former name `auth`, and authMode wins when both are given', async () => {
    expect((await guard.check(request(), { auth: 'optional' })).ok).toBe(true);
    const both = await guard.check(request(), { auth: 'optional', authMode: 'required' });
    expect(both.ok ? 'ok' : both.code).toBe('token_missing');
  });
});
