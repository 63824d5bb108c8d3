import rule from '../../src/rules/no-permissive-cors.js';
import { runRule } from '../rule-tester.js';

const strict = [{ allowWildcardWithoutCredentials: false }] as const;

runRule('no-permissive-cors', rule, {
  valid: [
    // Public discovery documents under /.well-known/ are meant to be read from any origin.
    {
      code: "import cors from 'cors';\nconst metadataPath = `/.well-known/oauth-protected-resource${resourcePath}`;\nrouter.options(metadataPath, cors());\nrouter.get('/.well-known/oauth-authorization-server', cors(), handler);",
      options: strict,
    },
    // Explicit allowlist with credentials.
    `import cors from 'cors';
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));`,
    // Wildcard without credentials is allowed by default (public APIs).
    `import cors from 'cors';
app.use(cors());`,
    `const cors = require('cors');
app.use(cors({ origin: '*' }));`,
    // A callback that checks an allowlist.
    `import cors from 'cors';
const allowed = new Set(['https://app.example.com']);
app.use(cors({ credentials: true, origin(origin, cb) { if (!origin || allowed.has(origin)) return cb(null, true); cb(new Error('blocked')); } }));`,
    // Not the cors package: a local function named cors.
    `function cors(options) { return options; }
app.use(cors({ origin: true, credentials: true }));`,
    // Options that cannot be resolved: silent.
    `import cors from 'cors';
app.use(cors(loadCorsOptions()));`,
    `import cors from 'cors';
app.use(cors({ ...shared, credentials: true }));`,
    // @koa/cors with an origin function that checks a list.
    `import cors from '@koa/cors';
app.use(cors({ credentials: true, origin: (ctx) => { const o = ctx.get('Origin'); return allowed.includes(o) ? o : ''; } }));`,
    // @fastify/cors with an explicit list.
    `import cors from '@fastify/cors';
await app.register(cors, { origin: ['https://app.example.com'], credentials: true });`,
    // Hand-written headers with an allowlist check.
    `app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (origin && ALLOWED.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  next();
});`,
    // Echo without credentials (only readable without cookies).
    `app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  next();
});`,
    // Koa middleware comparing the origin exactly.
    `app.use(async (ctx, next) => {
  const origin = ctx.get('Origin');
  if (origin !== 'https://app.example.com') return next();
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Allow-Credentials', 'true');
  await next();
});`,
    // A regular origin string.
    `import cors from 'cors';
app.use(cors({ origin: 'https://app.example.com', credentials: true }));`,
  ],
  invalid: [
    {
      // The same wildcard on another route is still reported by the strict options.
      code: "import cors from 'cors';\nrouter.get('/api/users', cors(), handler);",
      options: strict,
      errors: [{ messageId: 'wildcardOrigin', line: 2, column: 26 }],
    },
    {
      code: `import cors from 'cors';
app.use(cors({ origin: true, credentials: true }));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import cors from 'cors';
app.use(cors({ origin: true }));`,
            },
          ],
        },
      ],
    },
    {
      // Destructured require + const options.
      code: `const corsMiddleware = require('cors');
const options = { credentials: true, origin: (origin, callback) => callback(null, true) };
app.use(corsMiddleware(options));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 38,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `const corsMiddleware = require('cors');
const options = { origin: (origin, callback) => callback(null, true) };
app.use(corsMiddleware(options));`,
            },
          ],
        },
      ],
    },
    {
      // Credentials without an origin list (cors defaults to '*').
      code: `import * as corsLib from 'cors';
app.use(corsLib({ credentials: true }));`,
      errors: [
        {
          messageId: 'wildcardWithCredentials',
          line: 2,
          column: 19,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import * as corsLib from 'cors';
app.use(corsLib({  }));`,
            },
          ],
        },
      ],
    },
    {
      code: `import { default as c } from 'cors';
app.use(c({ origin: '*', credentials: true }));`,
      errors: [
        {
          messageId: 'wildcardWithCredentials',
          line: 2,
          column: 13,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import { default as c } from 'cors';
app.use(c({ origin: '*' }));`,
            },
          ],
        },
      ],
    },
    {
      // 'null' in an origin list.
      code: `import cors from 'cors';
app.use(cors({ origin: ['https://app.example.com', 'null'] }));`,
      errors: [
        {
          messageId: 'nullOrigin',
          line: 2,
          column: 52,
          suggestions: [
            {
              messageId: 'removeNullOrigin',
              output: `import cors from 'cors';
app.use(cors({ origin: ['https://app.example.com'] }));`,
            },
          ],
        },
      ],
    },
    {
      code: `const cors = require('cors');
app.use(cors({ origin: 'null' }));`,
      errors: [{ messageId: 'nullOrigin', line: 2, column: 24, suggestions: [] }],
    },
    {
      // @koa/cors echoes the Origin when credentials are on and origin is omitted.
      code: `const cors = require('@koa/cors');
app.use(cors({ credentials: true }));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `const cors = require('@koa/cors');
app.use(cors({  }));`,
            },
          ],
        },
      ],
    },
    {
      // @koa/cors origin function returning the request Origin.
      code: `import koaCors from '@koa/cors';
app.use(koaCors({ origin: (ctx) => ctx.get('Origin'), credentials: true }));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 19,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import koaCors from '@koa/cors';
app.use(koaCors({ origin: (ctx) => ctx.get('Origin') }));`,
            },
          ],
        },
      ],
    },
    {
      code: `import cors from '@koa/cors';
app.use(cors({ origin: '*', credentials: true }));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import cors from '@koa/cors';
app.use(cors({ origin: '*' }));`,
            },
          ],
        },
      ],
    },
    {
      // @fastify/cors registered as a plugin.
      code: `import fastifyCors from '@fastify/cors';
await app.register(fastifyCors, { origin: true, credentials: true });`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 35,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import fastifyCors from '@fastify/cors';
await app.register(fastifyCors, { origin: true });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { fastifyCors } = require('@fastify/cors');
fastify.register(fastifyCors, { origin: '*', credentials: true });`,
      errors: [
        {
          messageId: 'wildcardWithCredentials',
          line: 2,
          column: 33,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `const { fastifyCors } = require('@fastify/cors');
fastify.register(fastifyCors, { origin: '*' });`,
            },
          ],
        },
      ],
    },
    {
      // Hand-written Express headers.
      code: `app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  next();
});`,
      errors: [{ messageId: 'reflectedHeaderWithCredentials', line: 2, column: 48, suggestions: [] }],
    },
    {
      // Koa ctx.set with a truthiness check only.
      code: `app.use(async (ctx, next) => {
  const origin = ctx.get('Origin') || '*';
  if (origin) {
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', true);
  }
  await next();
});`,
      errors: [{ messageId: 'reflectedHeaderWithCredentials', line: 4, column: 44, suggestions: [] }],
    },
    {
      // Fastify reply.headers({...}) object form.
      code: `fastify.addHook('onRequest', async (request, reply) => {
  reply.headers({ 'Access-Control-Allow-Origin': request.headers.origin, 'access-control-allow-credentials': 'true' });
});`,
      errors: [{ messageId: 'reflectedHeaderWithCredentials', line: 2, column: 50, suggestions: [] }],
    },
    {
      // res.set / res.header with req.header('origin').
      code: `function allowAll(req, res) {
  res.header('Access-Control-Allow-Credentials', 'true');
  res.set('Access-Control-Allow-Origin', req.header('origin'));
}`,
      errors: [{ messageId: 'reflectedHeaderWithCredentials', line: 3, column: 42, suggestions: [] }],
    },
    {
      code: `function handler(req, res) {
  res.setHeader('Access-Control-Allow-Origin', 'null');
}`,
      errors: [{ messageId: 'nullOrigin', line: 2, column: 48, suggestions: [] }],
    },
    {
      // Strict: wildcard without credentials.
      code: `import cors from 'cors';
app.use(cors());`,
      options: strict,
      errors: [{ messageId: 'wildcardOrigin', line: 2, column: 9, suggestions: [] }],
    },
    {
      code: `const cors = require('cors');
app.use(cors({ origin: true }));`,
      options: strict,
      errors: [{ messageId: 'wildcardOrigin', line: 2, column: 16, suggestions: [] }],
    },
    {
      // Match-all RegExp is the same as reflecting every origin.
      code: `import cors from 'cors';
app.use(cors({ origin: /.*/, credentials: true }));`,
      errors: [
        {
          messageId: 'reflectedOriginWithCredentials',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'removeCredentials',
              output: `import cors from 'cors';
app.use(cors({ origin: /.*/ }));`,
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      `import cors, { type CorsOptions } from 'cors';
const options: CorsOptions = { origin: ['https://app.example.com'], credentials: true };
app.use(cors(options));`,
      `import type cors from 'cors';
declare const c: typeof cors;
app.use(c({ origin: true, credentials: true }));`,
    ],
    invalid: [
      {
        code: `import cors = require('cors');
const options = { origin: true, credentials: true } as const satisfies cors.CorsOptions;
app.use(cors(options));`,
        errors: [
          {
            messageId: 'reflectedOriginWithCredentials',
            line: 2,
            column: 19,
            suggestions: [
              {
                messageId: 'removeCredentials',
                output: `import cors = require('cors');
const options = { origin: true } as const satisfies cors.CorsOptions;
app.use(cors(options));`,
              },
            ],
          },
        ],
      },
      {
        code: `export function middleware(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin as string;
  res.writeHead(204, { 'Access-Control-Allow-Origin': origin!, 'Access-Control-Allow-Credentials': 'true' });
}`,
        errors: [{ messageId: 'reflectedHeaderWithCredentials', line: 3, column: 55, suggestions: [] }],
      },
    ],
  },
});
