/**
 * HTTP/2 (h2c) through each adapter: `:authority` is the Host of HTTP/2, and a `host` header that
 * disagrees with it is ambiguous (issue #4).
 */
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { rebindGuard as expressGuard } from '@rebind-guard/express';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';
import { listen, portOf } from '../helpers/http.js';
import { TOKENS, VARIANTS } from './cases.js';

interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
  code: string | null;
}

function h2request(port: number, headers: http2.OutgoingHttpHeaders): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', (error: Error) => {
      reject(error);
    });
    const stream = session.request({
      ':method': 'GET',
      ':path': '/',
      authorization: `Bearer ${TOKENS.valid}`,
      ...headers,
    });
    let body = '';
    let responseHeaders: http2.IncomingHttpHeaders = {};
    stream.setEncoding('utf8');
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('error', (error: Error) => {
      session.destroy();
      reject(error);
    });
    stream.on('end', () => {
      session.close();
      let code: string | null;
      try {
        code = (JSON.parse(body) as { code?: string }).code ?? null;
      } catch {
        code = null;
      }
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, body, code });
    });
    stream.end();
  });
}

const closeH2 = (server: http2.Http2Server): Promise<void> =>
  new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );

type Starter = () => Promise<{ port: number; close: () => Promise<void> }>;

const STARTERS: Record<'koa' | 'fastify', Starter> = {
  koa: async () => {
    const app = new Koa().use(koaGuard(VARIANTS.default));
    app.use((ctx) => {
      ctx.body = { route: 'GET /', sub: ctx.state.auth?.claims.sub ?? null, httpVersion: ctx.req.httpVersion };
    });
    const handle = app.callback();
    const server = http2.createServer((req, res) => {
      void handle(req, res);
    });
    const port = await listen(server);
    return { port, close: () => closeH2(server) };
  },
  fastify: async () => {
    const app = Fastify({ http2: true });
    await app.register(fastifyGuard, VARIANTS.default);
    app.get('/', (request) => ({
      route: 'GET /',
      sub: request.auth?.claims.sub ?? null,
      httpVersion: request.raw.httpVersion,
    }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: portOf(app.server), close: () => app.close() };
  },
};

for (const [framework, start] of Object.entries(STARTERS)) {
  describe(`HTTP/2 (h2c) on ${framework}`, () => {
    let server: Awaited<ReturnType<Starter>>;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(async () => {
      await server.close();
    });

    it('an allowed :authority passes', async () => {
      const response = await h2request(server.port, { ':authority': 'api.example.com' });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ route: 'GET /', sub: 'alice', httpVersion: '2.0' });
    });

    it('an allowed :authority with a matching host header passes', async () => {
      const response = await h2request(server.port, {
        ':authority': 'api.example.com:8443',
        host: 'api.example.com:8443',
      });
      expect(response.status).toBe(200);
    });

    it('a foreign :authority is 403 host_not_allowed', async () => {
      const response = await h2request(server.port, { ':authority': 'rebind.test' });
      expect(response.status).toBe(403);
      expect(response.code).toBe('host_not_allowed');
      expect(response.headers['content-type']).toBe('application/problem+json');
    });

    it('a malformed :authority is 400 host_malformed', async () => {
      const response = await h2request(server.port, { ':authority': '127.1' });
      expect(response.status).toBe(400);
      expect(response.code).toBe('host_malformed');
    });

    it('a host header disagreeing with :authority is 400 host_mismatch', async () => {
      const response = await h2request(server.port, { ':authority': 'api.example.com', host: 'rebind.test' });
      expect(response.status).toBe(400);
      expect(response.code).toBe('host_mismatch');
    });

    it('a foreign :authority with an allowed host header is still 400 host_mismatch', async () => {
      const response = await h2request(server.port, { ':authority': 'rebind.test', host: 'api.example.com' });
      expect(response.status).toBe(400);
      expect(response.code).toBe('host_mismatch');
    });

    it('a missing token over HTTP/2 is 401 with the same challenge as HTTP/1.1', async () => {
      const response = await h2request(server.port, { ':authority': 'api.example.com', authorization: undefined });
      expect(response.status).toBe(401);
      expect(response.code).toBe('token_missing');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });
}

describe('HTTP/2 (h2c) on Express', () => {
  // Express 5 cannot serve HTTP/2. (`allowHTTP1` is a TLS/ALPN option of createSecureServer and
  // does not apply to h2c.) `http2.createServer(app)` accepts the stream, but `app(req, res)` swaps the prototypes of Node's Http2ServerRequest/Response for
  // Express's own (built on http.IncomingMessage / http.ServerResponse), and reading the request
  // then throws an *uncaught* `TypeError: Cannot read properties of undefined (reading 'readable')`
  // from `IncomingMessage._read` (Node 20.20, Express 5.3) — it takes the process down, so the case
  // cannot even run as an expected failure. Skipped, see issue #4; the guard itself handles HTTP/2
  // (Koa and Fastify above).
  it.skip('an allowed :authority passes (skipped: Express 5 cannot serve HTTP/2, issue #4)', async () => {
    const app = express();
    app.use(expressGuard(VARIANTS.default));
    app.get('/', (_req, res) => {
      res.json({ route: 'GET /' });
    });
    const server = http2.createServer(
      app as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
    );
    const port = await listen(server);
    try {
      const response = await h2request(port, { ':authority': 'api.example.com' });
      expect(response.status).toBe(200);
    } finally {
      await closeH2(server);
    }
  });
});
