/**
 * Trusted-proxy differential (issue 11): for each framework, with its own trust-proxy setting on
 * and off, and the guard's `trustProxy` on and off, the host the framework serves (`req.hostname`,
 * `ctx.hostname`, `request.hostname`) must be the host the guard validated and bound the token's
 * audience to — or the request is rejected. The token is minted for tenant A with a host-bound
 * audience, so an accepted request proves the guard bound it to A.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedHost } from '@rebind-guard/core';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { closeServer, listen, portOf, rawRequest } from '../helpers/http.js';
import { mintToken, TEST_ISSUER, TEST_SECRET } from '../helpers/tokens.js';

const A = 'a.tenant.example.com';
const B = 'b.tenant.example.com';
/** Tenant A's token: its audience is bound to A's host name. */
const TOKEN_A = mintToken({ sub: A, aud: `https://${A}` });

const guardOptions = (trustProxy: boolean) => ({
  hosts: ['.tenant.example.com', 'internal'],
  trustProxy,
  auth: {
    key: TEST_SECRET,
    algorithms: ['HS256' as const],
    audience: (host: ParsedHost) => `https://${host.hostname}`,
    issuer: TEST_ISSUER,
  },
});

type Framework = 'express' | 'koa' | 'fastify';

interface Running {
  readonly port: number;
  close(): Promise<void>;
}

/** Every app answers 200 with the host name the framework serves the request as. */
async function start(framework: Framework, frameworkTrust: boolean, guardTrust: boolean): Promise<Running> {
  if (framework === 'fastify') {
    const app = Fastify({ trustProxy: frameworkTrust });
    await app.register(fastifyAdapter.rebindGuard, guardOptions(guardTrust));
    app.get('/', (request) => ({ served: request.hostname }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: portOf(app.server), close: () => app.close() };
  }
  let server: Server;
  if (framework === 'express') {
    const app = express();
    app.set('trust proxy', frameworkTrust);
    app.use(expressAdapter.rebindGuard(guardOptions(guardTrust)));
    app.get('/', (req, res) => {
      res.json({ served: req.hostname });
    });
    server = createServer(app);
  } else {
    const app = new Koa();
    app.proxy = frameworkTrust;
    app.use(koaAdapter.rebindGuard(guardOptions(guardTrust)));
    app.use((ctx) => {
      ctx.body = { served: ctx.hostname };
    });
    const handle = app.callback();
    server = createServer((req, res) => {
      void handle(req, res);
    });
  }
  const port = await listen(server);
  return { port, close: () => closeServer(server) };
}

/** Host and forwarded headers an attacker (or a misconfigured proxy) can combine. */
const REQUESTS: readonly (readonly [string, readonly (readonly [string, string])[]])[] = [
  ['Host a, nothing forwarded', [['Host', A]]],
  [
    'Host b, X-Forwarded-Host a',
    [
      ['Host', B],
      ['X-Forwarded-Host', A],
    ],
  ],
  [
    'Host a, X-Forwarded-Host b',
    [
      ['Host', A],
      ['X-Forwarded-Host', B],
    ],
  ],
  [
    'Host b, X-Forwarded-Host a, b',
    [
      ['Host', B],
      ['X-Forwarded-Host', `${A}, ${B}`],
    ],
  ],
  [
    'Host b, X-Forwarded-Host b, a',
    [
      ['Host', B],
      ['X-Forwarded-Host', `${B}, ${A}`],
    ],
  ],
  [
    'Host b, two X-Forwarded-Host lines a / b',
    [
      ['Host', B],
      ['X-Forwarded-Host', A],
      ['X-Forwarded-Host', B],
    ],
  ],
  [
    'Host b, Forwarded host=a',
    [
      ['Host', B],
      ['Forwarded', `host=${A}`],
    ],
  ],
  [
    'Host a, Forwarded host=b',
    [
      ['Host', A],
      ['Forwarded', `host=${B}`],
    ],
  ],
  [
    'Host b, X-Forwarded-Host a, Forwarded host=a',
    [
      ['Host', B],
      ['X-Forwarded-Host', A],
      ['Forwarded', `host=${A}`],
    ],
  ],
  [
    'Host internal, X-Forwarded-Host a',
    [
      ['Host', 'internal:3000'],
      ['X-Forwarded-Host', A],
    ],
  ],
  [
    'Host internal, X-Forwarded-Host evil',
    [
      ['Host', 'internal:3000'],
      ['X-Forwarded-Host', 'a.tenant.example.com.evil.net'],
    ],
  ],
];

function bytes(headers: readonly (readonly [string, string])[]): string {
  const lines = [
    'GET / HTTP/1.1',
    ...headers.map(([name, value]) => `${name}: ${value}`),
    `Authorization: Bearer ${TOKEN_A}`,
    'Connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const CONFIGS = (['express', 'koa', 'fastify'] as const).flatMap((framework) =>
  [true, false].flatMap((frameworkTrust) =>
    [true, false].map((guardTrust) => ({ framework, frameworkTrust, guardTrust })),
  ),
);

describe.each(CONFIGS)(
  '$framework (framework trusts proxy: $frameworkTrust, guard trustProxy: $guardTrust)',
  ({ framework, frameworkTrust, guardTrust }) => {
    let running: Running;
    beforeAll(async () => {
      running = await start(framework, frameworkTrust, guardTrust);
    });
    afterAll(async () => {
      await running.close();
    });

    it.each(REQUESTS)('%s: served as the bound host, or rejected', async (_name, headers) => {
      const response = await rawRequest(running.port, bytes(headers));
      if (response.status === 200) {
        // Accepted with tenant A's token: the guard bound the audience to A, so A is what must be served.
        expect((JSON.parse(response.body) as { served: string }).served).toBe(A);
      } else {
        expect([400, 401, 403]).toContain(response.status);
      }
    });

    it('the honest requests still pass', async () => {
      expect((await rawRequest(running.port, bytes([['Host', A]]))).status).toBe(200);
      if (frameworkTrust && guardTrust) {
        expect(
          (
            await rawRequest(
              running.port,
              bytes([
                ['Host', 'internal:3000'],
                ['X-Forwarded-Host', A],
              ]),
            )
          ).status,
        ).toBe(200);
      }
    });
  },
);
