import rule from '../../src/rules/no-substring-origin-check.js';
import { runRule } from '../rule-tester.js';

runRule('no-substring-origin-check', rule, {
  valid: [
    // A trailing `/` pins the end of the authority.
    "if (referer.startsWith('https://app.example.com/')) next();",
    // A leading-dot suffix is a proper subdomain check.
    "if (host.endsWith('.example.com')) next();",
    // Exact comparison of the parsed origin.
    "if (new URL(req.headers.referer).origin === 'https://app.example.com') next();",
    // Scheme check: no host in the literal.
    "if (origin.startsWith('https://')) next();",
    // Not an origin/host value.
    "if (message.includes('example.com')) log();",
    // File names are not hosts.
    "if (req.url.endsWith('index.html')) serve();",
    "if (href.includes('bundle.js')) load();",
    // Membership in an allowlist array is exact (plural name is not a URL value).
    "if (allowedOrigins.includes('https://app.example.com')) next();",
    // Dynamic literal: nothing to judge.
    'if (origin.startsWith(expected)) next();',
    // indexOf used for something else than a boolean check.
    "const at = origin.indexOf('example.com');",
    // Two-argument forms are not simple checks.
    "if (url.startsWith('https://app.example.com', 0)) next();",
    // Path checks on the request URL.
    "if (req.url.startsWith('/api/')) next();",
    // Aliased express import; still a correct exact comparison.
    `import exp from 'express';
const app = exp();
app.use((req, res, next) => { if (req.get('Origin') === 'https://app.example.com') next(); });`,
  ],
  invalid: [
    {
      code: "if (referer.startsWith('https://app.example.com')) next();",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 5,
          data: { literal: 'https://app.example.com', bypass: 'https://app.example.com.evil.example' },
          suggestions: [
            {
              messageId: 'compareOrigin',
              data: { literal: "'https://app.example.com'" },
              output: "if (new URL(referer).origin === 'https://app.example.com') next();",
            },
          ],
        },
      ],
    },
    {
      // Header read through req.headers[...]; negation needs parentheses.
      code: "if (!req.headers['referer'].startsWith('https://app.example.com')) deny();",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 6,
          suggestions: [
            {
              messageId: 'compareOrigin',
              output: "if (!(new URL(req.headers['referer']).origin === 'https://app.example.com')) deny();",
            },
          ],
        },
      ],
    },
    {
      // Suffix without a leading dot: 'evilexample.com' passes.
      code: "if (host.endsWith('example.com')) next();",
      errors: [
        {
          messageId: 'suffixCheck',
          line: 1,
          column: 5,
          data: { literal: 'example.com', bypass: 'evilexample.com' },
          suggestions: [
            {
              messageId: 'exactOrSubdomain',
              output: "if (host === 'example.com' || host.endsWith('.example.com')) next();",
            },
          ],
        },
      ],
    },
    {
      // Variable assigned once from a header read; includes against a dotted host name.
      code: "const o = req.get('Origin');\nif (o.includes('example.com')) next();",
      errors: [
        {
          messageId: 'substringCheck',
          line: 2,
          column: 5,
          data: { literal: 'example.com', bypass: 'example.com.evil.example' },
          suggestions: [
            {
              messageId: 'compareHostname',
              output: "const o = req.get('Origin');\nif (new URL(o).hostname === 'example.com') next();",
            },
          ],
        },
      ],
    },
    {
      // indexOf(...) === 0 is a prefix check.
      code: "if (ctx.get('origin').indexOf('https://app.example.com') === 0) next();",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'compareOrigin',
              output: "if (new URL(ctx.get('origin')).origin === 'https://app.example.com') next();",
            },
          ],
        },
      ],
    },
    {
      // indexOf(...) !== -1 is a substring check.
      code: "if (document.referrer.indexOf('https://app.example.com') !== -1) track();",
      errors: [
        {
          messageId: 'substringCheck',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'compareOrigin',
              output: "if (new URL(document.referrer).origin === 'https://app.example.com') track();",
            },
          ],
        },
      ],
    },
    {
      // -1 === indexOf(...) (reversed, negated).
      code: "if (-1 === window.location.origin.indexOf('app.example.com')) deny();",
      errors: [
        {
          messageId: 'substringCheck',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'compareHostname',
              output: "if (new URL(window.location.origin).hostname !== 'app.example.com') deny();",
            },
          ],
        },
      ],
    },
    {
      // > -1 and >= 0 forms.
      code: "const ok = request.headers.host.indexOf('api.example.com') > -1;\nconst ok2 = req.hostname.indexOf('api.example.com') >= 0;",
      errors: [
        {
          messageId: 'substringCheck',
          line: 1,
          column: 12,
          suggestions: [
            {
              messageId: 'compareHost',
              output:
                "const ok = request.headers.host === 'api.example.com';\nconst ok2 = req.hostname.indexOf('api.example.com') >= 0;",
            },
          ],
        },
        {
          messageId: 'substringCheck',
          line: 2,
          column: 13,
          suggestions: [
            {
              messageId: 'compareHost',
              output:
                "const ok = request.headers.host.indexOf('api.example.com') > -1;\nconst ok2 = req.hostname === 'api.example.com';",
            },
          ],
        },
      ],
    },
    {
      // Name-based: allowedOrigin, optional chaining; `http://localhost` is a URL literal.
      code: "if (allowedOrigin?.startsWith('http://localhost')) next();",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 5,
          data: { literal: 'http://localhost', bypass: 'http://localhost.evil.example' },
          suggestions: [
            { messageId: 'compareOrigin', output: "if (new URL(allowedOrigin).origin === 'http://localhost') next();" },
          ],
        },
      ],
    },
    {
      // Destructured header with a rename; a non-canonical origin literal gets no suggestion.
      code: "const { referer: r } = req.headers;\nif (r.startsWith('https://App.example.com')) next();",
      errors: [{ messageId: 'prefixCheck', line: 2, column: 5, suggestions: [] }],
    },
    {
      // Koa: ctx.origin, derived with || and toLowerCase(); const literal resolved.
      code: "const APP = 'https://app.example.com';\nconst origin = (ctx.origin || '').toLowerCase();\nconst ok = origin.endsWith(APP);",
      errors: [
        {
          messageId: 'suffixCheck',
          line: 3,
          column: 12,
          data: { literal: 'https://app.example.com', bypass: 'https://evil.example/?https://app.example.com' },
          suggestions: [
            {
              messageId: 'compareOrigin',
              output:
                "const APP = 'https://app.example.com';\nconst origin = (ctx.origin || '').toLowerCase();\nconst ok = new URL(origin).origin === APP;",
            },
          ],
        },
      ],
    },
    {
      // Host name prefix: 'app.example.com.evil.example' passes; `&&` keeps `===` unparenthesised.
      code: "const ok = hostname.startsWith('app.example.com') && secure;",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 12,
          suggestions: [{ messageId: 'compareHost', output: "const ok = hostname === 'app.example.com' && secure;" }],
        },
      ],
    },
    {
      // Suffix suggestion inside `&&` needs parentheses.
      code: "const ok = secure && location.hostname.endsWith('example.com');",
      errors: [
        {
          messageId: 'suffixCheck',
          line: 1,
          column: 22,
          suggestions: [
            {
              messageId: 'exactOrSubdomain',
              output:
                "const ok = secure && (location.hostname === 'example.com' || location.hostname.endsWith('.example.com'));",
            },
          ],
        },
      ],
    },
    {
      // A leading-dot literal is still unsafe with includes.
      code: "if (req.header('host').includes('.example.com')) next();",
      errors: [{ messageId: 'substringCheck', line: 1, column: 5, suggestions: [] }],
    },
    {
      // Prefix ending with ':' accepts userinfo tricks in referers.
      code: "if (refererHeader.startsWith('http://localhost:')) next();",
      errors: [
        {
          messageId: 'prefixCheck',
          line: 1,
          column: 5,
          data: { literal: 'http://localhost:', bypass: 'http://localhost:@evil.example' },
          suggestions: [],
        },
      ],
    },
    {
      // Renamed and namespace imports: the handler receivers are still request values.
      code: `import { Router as R } from 'express';
import * as koa from 'koa';
const router = R();
router.post('/x', (req, res) => { if (req.headers.origin.startsWith('https://app.example.com')) res.end(); });`,
      errors: [
        {
          messageId: 'prefixCheck',
          line: 4,
          column: 39,
          suggestions: [
            {
              messageId: 'compareOrigin',
              output: `import { Router as R } from 'express';
import * as koa from 'koa';
const router = R();
router.post('/x', (req, res) => { if (new URL(req.headers.origin).origin === 'https://app.example.com') res.end(); });`,
            },
          ],
        },
      ],
    },
    {
      // require and destructured require; Fastify request.hostname.
      code: `const fastify = require('fastify')();
const { default: f2 } = require('fastify');
fastify.addHook('onRequest', async (request) => { if (!request.hostname.endsWith('example.com')) throw new Error('no'); });`,
      errors: [
        {
          messageId: 'suffixCheck',
          line: 3,
          column: 56,
          suggestions: [
            {
              messageId: 'exactOrSubdomain',
              output: `const fastify = require('fastify')();
const { default: f2 } = require('fastify');
fastify.addHook('onRequest', async (request) => { if (!(request.hostname === 'example.com' || request.hostname.endsWith('.example.com'))) throw new Error('no'); });`,
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      "const origin = req.headers.origin as string;\nif (origin === 'https://app.example.com') next();",
      "function ok(host: string): boolean { return host.endsWith('.example.com'); }",
    ],
    invalid: [
      {
        code: "const origin = req.headers.origin as string;\nif (origin!.startsWith('https://app.example.com')) next();",
        errors: [
          {
            messageId: 'prefixCheck',
            line: 2,
            column: 5,
            suggestions: [
              {
                messageId: 'compareOrigin',
                output:
                  "const origin = req.headers.origin as string;\nif (new URL(origin!).origin === 'https://app.example.com') next();",
              },
            ],
          },
        ],
      },
      {
        code: "function ok(host: string): boolean { return host.endsWith('example.com' as const); }",
        errors: [
          {
            messageId: 'suffixCheck',
            line: 1,
            column: 45,
            suggestions: [
              {
                messageId: 'exactOrSubdomain',
                output:
                  "function ok(host: string): boolean { return host === 'example.com' as const || host.endsWith('.example.com'); }",
              },
            ],
          },
        ],
      },
    ],
  },
});
