/**
 * An MCP server (the official TypeScript SDK, Streamable HTTP transport) as an OAuth resource
 * server behind rebind-guard on Express, Koa and Fastify — the pattern of the localhost/MCP recipe
 * (issue 17): RFC 9728 metadata, `resource_metadata` in the 401, the resource as audience (a token
 * minted for another MCP server is refused, RFC 8707), the verified token reaching the tool.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo as McpAuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_HOSTS, type AuthInfo, type GuardOptions } from '@rebind-guard/core';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { serve, serveFastify, type Served } from '../helpers/http.js';
import { mintToken, TEST_SECRET } from '../helpers/tokens.js';

const ISSUER = 'https://auth.example.com';
const RESOURCE = 'http://127.0.0.1/mcp';

const options: GuardOptions = {
  hosts: [...LOOPBACK_HOSTS],
  resourceMetadata: { resource: RESOURCE, authorizationServers: [ISSUER], scopesSupported: ['mcp:tools'] },
  // No `audience`: the resource is the audience.
  auth: { key: TEST_SECRET, algorithms: ['HS256'], issuer: ISSUER },
};

/** A token of the MCP server's authorization server for the resource `aud`. */
const mint = (aud: string): string => mintToken({ scope: 'mcp:tools', aud, iss: ISSUER });

/** rebind-guard's verified token in the shape the MCP SDK hands to tools as `extra.authInfo`. */
function mcpAuth(auth: AuthInfo | undefined): McpAuthInfo | undefined {
  if (auth === undefined) return undefined;
  const { sub, scope, exp } = auth.claims;
  return {
    token: auth.token,
    clientId: typeof sub === 'string' ? sub : '',
    scopes: typeof scope === 'string' ? scope.split(' ') : [],
    ...(exp === undefined ? {} : { expiresAt: exp }),
  };
}

/** One stateless MCP server per request, with a tool that says who called it. */
async function handleMcp(
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  auth: AuthInfo | undefined,
): Promise<void> {
  const server = new McpServer({ name: 'rebind-guard-test', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The authenticated subject' }, (extra) => ({
    content: [{ type: 'text', text: `hello ${extra.authInfo?.clientId ?? 'nobody'}` }],
  }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(Object.assign(req, { auth: mcpAuth(auth) }), res, body);
}

type Framework = 'express' | 'koa' | 'fastify';
const running = new Map<Framework, Served>();

beforeAll(async () => {
  const app = express();
  app.use(expressAdapter.rebindGuard(options));
  app.use(express.json());
  app.post('/mcp', (req, res, next) => {
    handleMcp(req, res, req.body, req.auth).catch(next);
  });
  running.set('express', await serve(app));

  const koa = new Koa<koaAdapter.RebindGuardState>();
  koa.use(koaAdapter.rebindGuard(options));
  koa.use(async (ctx) => {
    if (ctx.path !== '/mcp' || ctx.method !== 'POST') return;
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    ctx.respond = false; // the transport writes the response
    await handleMcp(ctx.req, ctx.res, JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, ctx.state.auth);
  });
  running.set('koa', await serve(koa.callback()));

  const fastify = Fastify();
  await fastify.register(fastifyAdapter.rebindGuard, options);
  fastify.post('/mcp', async (request, reply) => {
    reply.hijack(); // the transport writes the response
    await handleMcp(request.raw, reply.raw, request.body, request.auth);
  });
  running.set('fastify', await serveFastify(fastify));
});

afterAll(async () => {
  for (const server of running.values()) await server.close();
});

describe.each(['express', 'koa', 'fastify'] as const)('%s', (framework) => {
  const base = (): string => `http://127.0.0.1:${running.get(framework)?.port ?? 0}`;

  async function whoami(token: string | undefined): Promise<string> {
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${base()}/mcp`), {
      requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const [first] = result.content as { type: string; text: string }[];
      return first?.text ?? '';
    } finally {
      await client.close();
    }
  }

  it('a token issued for this resource reaches the tool', async () => {
    expect(await whoami(mint(RESOURCE))).toBe('hello alice');
  });

  it('a token minted for another MCP server is refused (RFC 8707)', async () => {
    await expect(whoami(mint('http://127.0.0.1/other-mcp'))).rejects.toThrow(/401/);
  });

  it('without a token: 401 pointing at the resource metadata, which is served', async () => {
    const response = await fetch(`${base()}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toBe(
      'Bearer realm="api", resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp"',
    );
    const metadata = await fetch(`${base()}/.well-known/oauth-protected-resource/mcp`);
    expect(await metadata.json()).toMatchObject({ resource: RESOURCE, authorization_servers: [ISSUER] });
  });
});
