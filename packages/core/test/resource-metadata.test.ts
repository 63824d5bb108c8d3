/**
 * RFC 9728 protected resource metadata and RFC 8707 audience (issue 17), core level.
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type GuardOptions, type GuardRequest, type GuardResult } from '../src/index.js';
import { craftToken, TEST_SECRET as SECRET, testClaims } from '../../../test/helpers/tokens.js';

const RESOURCE = 'https://mcp.example.com/mcp';
/** A token of the authorization server; no `aud` unless `claims` give one. */
const token = (claims: Record<string, unknown>): string =>
  craftToken(testClaims({ aud: undefined, iss: 'https://auth.example.com', ...claims }));

const options: GuardOptions = {
  hosts: ['mcp.example.com'],
  resourceMetadata: {
    resource: RESOURCE,
    authorizationServers: ['https://auth.example.com'],
    scopesSupported: ['mcp:tools'],
    resourceName: 'Example MCP',
  },
  auth: { key: SECRET, algorithms: ['HS256'], issuer: 'https://auth.example.com' },
};
const guard = createGuard(options);
const req = (url: string, extra: Partial<GuardRequest> = {}, headers: Record<string, string> = {}): GuardRequest => ({
  method: 'GET',
  url,
  headers: { host: 'mcp.example.com', ...headers },
  ...extra,
});
const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);
const METADATA_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('the metadata document', () => {
  it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    'GET %s is answered by core, without a token',
    async (path) => {
      const result = await guard.check(req(path));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.answer?.status).toBe(200);
      expect(result.answer?.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(result.answer?.body ?? '')).toEqual({
        resource: RESOURCE,
        authorization_servers: ['https://auth.example.com'],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
        resource_name: 'Example MCP',
      });
    },
  );

  it('the Host check still applies to it (a rebound page learns nothing)', async () => {
    expect(
      codeOf(await guard.check(req('/.well-known/oauth-protected-resource/mcp', {}, { host: 'rebind.test:8080' }))),
    ).toBe('host_not_allowed');
  });

  it('other methods and paths are not answered', async () => {
    const post = await guard.check(req('/.well-known/oauth-protected-resource', { method: 'POST' }));
    expect(post.ok && post.answer).toBeFalsy();
    const other = await guard.check(req('/mcp'));
    expect(codeOf(other)).toBe('token_missing');
  });
});

describe('challenges and audience', () => {
  it('every Bearer challenge carries resource_metadata', async () => {
    const missing = await guard.check(req('/mcp'));
    expect(missing.ok ? '' : missing.headers['www-authenticate']).toBe(
      `Bearer realm="api", resource_metadata="${METADATA_URL}"`,
    );
    const invalid = await guard.check(req('/mcp', {}, { authorization: 'Bearer abc' }));
    expect(invalid.ok ? '' : invalid.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", resource_metadata="${METADATA_URL}"`,
    );
    const scope = guard.checkScopes({ claims: { scope: 'a' }, header: { alg: 'HS256' }, token: 'x' }, ['mcp:tools']);
    expect(scope?.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="insufficient_scope", scope="mcp:tools", resource_metadata="${METADATA_URL}"`,
    );
  });

  it('the resource is the audience: a token for another MCP server is refused (RFC 8707)', async () => {
    expect(codeOf(await guard.check(req('/mcp', {}, { authorization: `Bearer ${token({ aud: RESOURCE })}` })))).toBe(
      'ok',
    );
    expect(
      codeOf(
        await guard.check(
          req('/mcp', {}, { authorization: `Bearer ${token({ aud: 'https://other-mcp.example.com/mcp' })}` }),
        ),
      ),
    ).toBe('token_audience_invalid');
    expect(codeOf(await guard.check(req('/mcp', {}, { authorization: `Bearer ${token({})}` })))).toBe(
      'token_audience_invalid',
    );
  });

  it('an explicit auth.audience wins', async () => {
    const explicit = createGuard({
      ...options,
      auth: { ...options.auth, audience: 'api://mcp' } as GuardOptions['auth'],
    });
    expect(
      codeOf(await explicit.check(req('/mcp', {}, { authorization: `Bearer ${token({ aud: 'api://mcp' })}` }))),
    ).toBe('ok');
  });

  it('a resource at the origin root is served at the root well-known path only', async () => {
    const root = createGuard({
      hosts: ['mcp.example.com'],
      resourceMetadata: { resource: 'https://mcp.example.com', authorizationServers: ['https://auth.example.com'] },
    });
    const result = await root.check(req('/.well-known/oauth-protected-resource'));
    expect(result.ok && JSON.parse(result.answer?.body ?? '{}')).toMatchObject({ resource: 'https://mcp.example.com' });
  });
});

describe('resourceMetadata options', () => {
  it.each<[string, unknown, RegExp]>([
    ['missing resource', { authorizationServers: ['https://a.example'] }, /resource must be an https URL string/],
    [
      'http resource',
      { resource: 'http://mcp.example.com/mcp', authorizationServers: ['https://a.example'] },
      /must use https/,
    ],
    [
      'resource with a query',
      { resource: 'https://mcp.example.com/mcp?x=1', authorizationServers: ['https://a.example'] },
      /query/,
    ],
    [
      'resource with a fragment',
      { resource: 'https://mcp.example.com/mcp#x', authorizationServers: ['https://a.example'] },
      /fragment/,
    ],
    ['no authorization servers', { resource: RESOURCE, authorizationServers: [] }, /authorizationServers must list/],
    [
      'bad scope',
      { resource: RESOURCE, authorizationServers: ['https://a.example'], scopesSupported: ['a b'] },
      /scopesSupported/,
    ],
    [
      'unknown key',
      { resource: RESOURCE, authorizationServers: ['https://a.example'], scopes: ['x'] },
      /scopes is not an option/,
    ],
  ])('%s', (_name, resourceMetadata, message) => {
    expect(() => createGuard({ hosts: ['mcp.example.com'], resourceMetadata: resourceMetadata as never })).toThrow(
      TypeError,
    );
    expect(() => createGuard({ hosts: ['mcp.example.com'], resourceMetadata: resourceMetadata as never })).toThrow(
      message,
    );
  });

  it('auth without audience and without resourceMetadata still throws', () => {
    expect(() =>
      createGuard({ hosts: ['a.example.com'], auth: { key: SECRET, algorithms: ['HS256'], issuer: false } }),
    ).toThrow(/audience is required/);
  });
});
