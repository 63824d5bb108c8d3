/**
 * The quick starts are runnable as printed: the first two ```ts blocks of each framework guide are
 * transpiled, started in a child process (port 3000 replaced by a free port, JWT_PUBLIC_KEY set to
 * a fresh key pair) and sent the requests the guide describes — an allowed request, a rebound
 * request (attacker name in Host), a cross-site POST, and for the auth example a missing token,
 * a valid token, a missing scope and a granted scope.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import jsonwebtoken from 'jsonwebtoken';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { codeBlocks, repoRoot } from './helpers.js';

const workDir = join(repoRoot, 'test/artifacts/quickstarts');
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

async function start(page: string, index: number): Promise<number> {
  const block = codeBlocks(page).filter((candidate) => candidate.lang === 'ts')[index];
  if (block === undefined) throw new Error(`no ts block #${index} in ${page}`);
  const port = await freePort();
  const source = block.code.replace(/\b3000\b/g, String(port));
  const output = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${page.replace(/\W+/g, '_')}_${index}.mjs`);
  writeFileSync(file, output);
  const child = spawn(process.execPath, [file], { env: { ...process.env, JWT_PUBLIC_KEY: publicPem }, stdio: 'ignore' });
  children.push(child);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await send(port, 'GET', '/', { host: `localhost:${port}` });
      return port;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${page} block ${index} did not start listening`);
}

const token = (scope: string): string =>
  jsonwebtoken.sign({ sub: 'alice', scope }, privateKey, {
    algorithm: 'RS256',
    audience: 'https://api.example.com',
    issuer: 'https://idp.example.com',
    expiresIn: 300,
  });

const code = (answer: Answer): unknown => (JSON.parse(answer.body) as { code?: unknown }).code;

describe.each(['express', 'koa', 'fastify'])('the %s quick start', (framework) => {
  const page = `guide/${framework}.md`;

  it('block 1 runs and stops rebinding and cross-site POSTs', async () => {
    const port = await start(page, 0);
    const path = framework === 'koa' ? '/' : '/items';
    expect((await send(port, 'GET', path, { host: `localhost:${port}` })).status).toBe(200);
    const rebound = await send(port, 'GET', path, { host: `rebind.test:${port}` });
    expect([rebound.status, code(rebound), rebound.headers['content-type']]).toEqual([403, 'host_not_allowed', 'application/problem+json']);
    const csrf = await send(port, 'POST', path, { host: `localhost:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' }, '{}');
    expect([csrf.status, code(csrf)]).toEqual([403, 'origin_not_allowed']);
    const allowed = await send(port, 'POST', path, { host: `localhost:${port}`, origin: 'https://app.example.com', 'content-type': 'application/json' }, '{}');
    expect(allowed.status).toBeLessThan(300);
  });

  it('block 2 runs and enforces Bearer tokens and scopes as described', async () => {
    const port = await start(page, 1);
    const host = `localhost:${port}`;
    const missing = await send(port, 'GET', '/me', { host });
    expect([missing.status, code(missing), missing.headers['www-authenticate']]).toEqual([401, 'token_missing', 'Bearer realm="api"']);
    const me = await send(port, 'GET', '/me', { host, authorization: `Bearer ${token('items:read')}` });
    expect(me.status).toBe(200);
    expect(me.body).toContain('alice');
    const noScope = await send(port, 'DELETE', '/items/1', { host, authorization: `Bearer ${token('items:read')}` });
    expect([noScope.status, code(noScope)]).toEqual([403, 'insufficient_scope']);
    const granted = await send(port, 'DELETE', '/items/1', { host, authorization: `Bearer ${token('items:read items:write')}` });
    expect(granted.status).toBe(204);
    expect((await send(port, 'GET', '/healthz', { host })).status).toBe(200);
    const rebound = await send(port, 'GET', '/healthz', { host: `rebind.test:${port}` });
    expect(code(rebound)).toBe('host_not_allowed');
  });
});
