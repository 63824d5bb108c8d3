import rule from '../../src/rules/no-unanchored-host-regex.js';
import { runRule } from '../rule-tester.js';

runRule('no-unanchored-host-regex', rule, {
  valid: [
    // Issue 14 FP 5: regexes matched against the request path, not a host.
    'app.use((req, res, next) => { if (/access.log$/.test(req.url)) return res.sendStatus(404); next(); });',
    'if (req.originalUrl.match(/server.log/)) deny();',
    'const url = req.url;\nif (/debug.log/.test(url)) deny();',
    'const { path } = ctx;\nif (path.search(/error.log/) !== -1) ctx.status = 404;',
    // Escaped, anchored, subdomains allowed through an explicit label group.
    String.raw`if (/^https?:\/\/([a-z0-9-]+\.)*example\.com$/.test(origin)) next();`,
    // Dots inside a character class are literal.
    String.raw`if (/^app[.]example[.]com$/.test(req.headers.host)) next();`,
    // A leading escaped dot is a subdomain boundary.
    String.raw`if (/\.example\.com$/.test(host)) next();`,
    // Trailing path separator or (\/|$) pins the end of the authority.
    String.raw`if (/^https:\/\/app\.example\.com\//.test(referer)) next();`,
    String.raw`if (/^https:\/\/app\.example\.com(\/|$)/.test(referer)) next();`,
    // Not a host pattern: scheme check only.
    String.raw`if (/^https:/.test(origin)) next();`,
    // Not tested against an origin/host value.
    'if (/example.com/.test(message)) log();',
    // rebind-guard anchors RegExp entries itself: only dots matter.
    String.raw`import { createGuard } from '@rebind-guard/core';
createGuard({ hosts: [/example\.com/] });`,
    // cors with a correct regex and a string entry.
    String.raw`import cors from 'cors';
app.use(cors({ origin: [/^https:\/\/([a-z]+\.)?example\.com$/, 'https://app.example.com'] }));`,
    // A shadowed `cors` is not the cors package.
    'function cors(o) { return o; }\ncors({ origin: [/example.com/] });',
    // Dynamic pattern: silent.
    'if (new RegExp(allowed).test(origin)) next();',
    // `.*` wildcards are intended; anchored.
    String.raw`if (/^https:\/\/.*\.example\.com$/.test(origin)) next();`,
  ],
  invalid: [
    {
      // A pattern kept in a const string: reported, without a suggestion (the text lives elsewhere).
      code: "const HOST_PATTERN = 'app.example.com';\nif (new RegExp(HOST_PATTERN).test(req.headers.host)) next();",
      errors: [
        { messageId: 'unescapedDot', line: 2, column: 5, suggestions: [] },
        { messageId: 'missingStart', line: 2, column: 5, suggestions: [] },
        { messageId: 'missingEnd', line: 2, column: 5, suggestions: [] },
      ],
    },
    {
      // guardUpgrades from @rebind-guard/core/node takes the same hosts.
      code: "import { guardUpgrades } from '@rebind-guard/core/node';\nguardUpgrades(server, { hosts: [/tenant.example.com/] });",
      errors: [
        {
          messageId: 'unescapedDot',
          line: 2,
          column: 33,
          suggestions: [
            {
              messageId: 'escapeDots',
              output:
                "import { guardUpgrades } from '@rebind-guard/core/node';\nguardUpgrades(server, { hosts: [/tenant\\.example\\.com/] });",
            },
          ],
        },
      ],
    },
    {
      // A whole URL (Hono's `c.req.url`) does carry the host.
      code: 'if (/example\\.com/.test(c.req.url)) next();',
      errors: [
        {
          messageId: 'missingStart',
          suggestions: [{ messageId: 'addStartAnchor', output: 'if (/^example\\.com/.test(c.req.url)) next();' }],
        },
        {
          messageId: 'missingEnd',
          suggestions: [{ messageId: 'addEndAnchor', output: 'if (/example\\.com$/.test(c.req.url)) next();' }],
        },
      ],
    },
    {
      // A URL host read from the request target is still a host.
      code: 'if (/example.com$/.test(new URL(req.url, base).hostname)) next();',
      errors: [
        {
          messageId: 'unescapedDot',
          suggestions: [
            { messageId: 'escapeDots', output: 'if (/example\\.com$/.test(new URL(req.url, base).hostname)) next();' },
          ],
        },
        {
          messageId: 'missingStart',
          suggestions: [
            {
              messageId: 'addStartAnchor',
              output: 'if (/^example.com$/.test(new URL(req.url, base).hostname)) next();',
            },
          ],
        },
      ],
    },
    {
      code: 'if (/example.com/.test(origin)) next();',
      errors: [
        {
          messageId: 'unescapedDot',
          line: 1,
          column: 5,
          suggestions: [{ messageId: 'escapeDots', output: String.raw`if (/example\.com/.test(origin)) next();` }],
        },
        {
          messageId: 'missingStart',
          line: 1,
          column: 5,
          suggestions: [{ messageId: 'addStartAnchor', output: 'if (/^example.com/.test(origin)) next();' }],
        },
        {
          messageId: 'missingEnd',
          line: 1,
          column: 5,
          suggestions: [{ messageId: 'addEndAnchor', output: 'if (/example.com$/.test(origin)) next();' }],
        },
      ],
    },
    {
      code: String.raw`if (/^https:\/\/app.example.com$/.test(req.headers.origin)) next();`,
      errors: [
        {
          messageId: 'unescapedDot',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'escapeDots',
              output: String.raw`if (/^https:\/\/app\.example\.com$/.test(req.headers.origin)) next();`,
            },
          ],
        },
      ],
    },
    {
      // new RegExp with a string: the suggestion rewrites the string with doubled backslashes.
      code: String.raw`if (new RegExp('app\\.example\\.com').test(req.headers.host)) next();`,
      errors: [
        {
          messageId: 'missingStart',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'addStartAnchor',
              output: String.raw`if (new RegExp('^app\\.example\\.com').test(req.headers.host)) next();`,
            },
          ],
        },
        {
          messageId: 'missingEnd',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`if (new RegExp('app\\.example\\.com$').test(req.headers.host)) next();`,
            },
          ],
        },
      ],
    },
    {
      code: String.raw`const m = origin.match(/example\.com/);`,
      errors: [
        {
          messageId: 'missingStart',
          line: 1,
          column: 24,
          suggestions: [{ messageId: 'addStartAnchor', output: String.raw`const m = origin.match(/^example\.com/);` }],
        },
        {
          messageId: 'missingEnd',
          line: 1,
          column: 24,
          suggestions: [{ messageId: 'addEndAnchor', output: String.raw`const m = origin.match(/example\.com$/);` }],
        },
      ],
    },
    {
      // Prefix-only anchor: 'https://app.example.com.evil.net' passes.
      code: String.raw`if (/^https:\/\/app\.example\.com/.test(ctx.get('Origin'))) next();`,
      errors: [
        {
          messageId: 'missingEnd',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`if (/^https:\/\/app\.example\.com$/.test(ctx.get('Origin'))) next();`,
            },
          ],
        },
      ],
    },
    {
      // Alternation: each alternative carries only one anchor; the fix wraps the whole pattern.
      code: String.raw`if (/^a\.example\.com|b\.example\.com$/.test(hostname)) next();`,
      errors: [
        {
          messageId: 'missingStart',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'addStartAnchor',
              output: String.raw`if (/^(?:^a\.example\.com|b\.example\.com$)/.test(hostname)) next();`,
            },
          ],
        },
        {
          messageId: 'missingEnd',
          line: 1,
          column: 5,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`if (/(?:^a\.example\.com|b\.example\.com$)$/.test(hostname)) next();`,
            },
          ],
        },
      ],
    },
    {
      // cors({ origin: [regex] }) through a renamed default import.
      code: String.raw`import corsMiddleware from 'cors';
app.use(corsMiddleware({ origin: [/example\.com$/], credentials: true }));`,
      errors: [
        {
          messageId: 'missingStart',
          line: 2,
          column: 35,
          suggestions: [
            {
              messageId: 'addStartAnchor',
              output: String.raw`import corsMiddleware from 'cors';
app.use(corsMiddleware({ origin: [/^example\.com$/], credentials: true }));`,
            },
          ],
        },
      ],
    },
    {
      // require('cors') with a const options object and a single regex.
      code: String.raw`const cors = require('cors');
const ORIGIN = /^https:\/\/app\.example\.com/;
const options = { origin: ORIGIN };
app.use(cors(options));`,
      errors: [
        {
          messageId: 'missingEnd',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`const cors = require('cors');
const ORIGIN = /^https:\/\/app\.example\.com$/;
const options = { origin: ORIGIN };
app.use(cors(options));`,
            },
          ],
        },
      ],
    },
    {
      // @koa/cors via namespace-free destructured require of default.
      code: String.raw`const { default: kcors } = require('@koa/cors');
app.use(kcors({ origin: /^https:\/\/app.example.com$/ }));`,
      errors: [
        {
          messageId: 'unescapedDot',
          line: 2,
          column: 25,
          suggestions: [
            {
              messageId: 'escapeDots',
              output: String.raw`const { default: kcors } = require('@koa/cors');
app.use(kcors({ origin: /^https:\/\/app\.example\.com$/ }));`,
            },
          ],
        },
      ],
    },
    {
      // @fastify/cors registered as a plugin.
      code: String.raw`import fastifyCors from '@fastify/cors';
await app.register(fastifyCors, { origin: [/\.example\.com/] });`,
      errors: [
        {
          messageId: 'missingEnd',
          line: 2,
          column: 44,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`import fastifyCors from '@fastify/cors';
await app.register(fastifyCors, { origin: [/\.example\.com$/] });`,
            },
          ],
        },
      ],
    },
    {
      // rebind-guard: only the unescaped dot matters (anchors are added by the guard).
      code: `import { rebindGuard as guard } from '@rebind-guard/express';
app.use(guard({ hosts: ['api.example.com', /tenant.example.com/] }));`,
      errors: [
        {
          messageId: 'unescapedDot',
          line: 2,
          column: 44,
          suggestions: [
            {
              messageId: 'escapeDots',
              output: String.raw`import { rebindGuard as guard } from '@rebind-guard/express';
app.use(guard({ hosts: ['api.example.com', /tenant\.example\.com/] }));`,
            },
          ],
        },
      ],
    },
    {
      // import * as core: createGuard through a namespace; new RegExp entry with double quotes.
      code: `import * as core from '@rebind-guard/core';
core.createGuard({ hosts: [new RegExp("[a-z]+.example.com")] });`,
      errors: [
        {
          messageId: 'unescapedDot',
          line: 2,
          column: 28,
          suggestions: [
            {
              messageId: 'escapeDots',
              output: String.raw`import * as core from '@rebind-guard/core';
core.createGuard({ hosts: [new RegExp("[a-z]+\\.example\\.com")] });`,
            },
          ],
        },
      ],
    },
    {
      // Fastify adapter registered as a plugin with a spread const array.
      code: `const rebind = require('@rebind-guard/fastify');
const HOSTS = [/api.example.com/];
fastify.register(rebind.rebindGuard, { hosts: [...HOSTS, 'localhost'] });`,
      errors: [
        {
          messageId: 'unescapedDot',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'escapeDots',
              output: String.raw`const rebind = require('@rebind-guard/fastify');
const HOSTS = [/api\.example\.com/];
fastify.register(rebind.rebindGuard, { hosts: [...HOSTS, 'localhost'] });`,
            },
          ],
        },
      ],
    },
    {
      // host-validation tests regexes unanchored.
      code: String.raw`import hostValidation from 'host-validation';
app.use(hostValidation({ hosts: [/^api\.example\.com/], referers: ['https://app.example.com/'] }));`,
      errors: [
        {
          messageId: 'missingEnd',
          line: 2,
          column: 34,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`import hostValidation from 'host-validation';
app.use(hostValidation({ hosts: [/^api\.example\.com$/], referers: ['https://app.example.com/'] }));`,
            },
          ],
        },
      ],
    },
    {
      // An optional port group at the end does not pin the end.
      code: String.raw`const ok = /^http:\/\/localhost(:\d+)?/.exec(refererHeader);`,
      errors: [
        {
          messageId: 'missingEnd',
          line: 1,
          column: 12,
          suggestions: [
            {
              messageId: 'addEndAnchor',
              output: String.raw`const ok = /^http:\/\/localhost(:\d+)?$/.exec(refererHeader);`,
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      String.raw`const re: RegExp = /^https:\/\/app\.example\.com$/;
if (re.test(req.headers.origin as string)) next();`,
    ],
    invalid: [
      {
        code: String.raw`const re = /^https:\/\/app\.example\.com/ as RegExp;
if (re.test(req.headers.origin!)) next();`,
        errors: [
          {
            messageId: 'missingEnd',
            line: 1,
            column: 12,
            suggestions: [
              {
                messageId: 'addEndAnchor',
                output: String.raw`const re = /^https:\/\/app\.example\.com$/ as RegExp;
if (re.test(req.headers.origin!)) next();`,
              },
            ],
          },
        ],
      },
      {
        code: `import type { GuardOptions } from '@rebind-guard/core';
import { createGuard } from '@rebind-guard/core';
const options: GuardOptions = { hosts: [/api.example.com/] };
createGuard(options satisfies GuardOptions);`,
        errors: [
          {
            messageId: 'unescapedDot',
            line: 3,
            column: 41,
            suggestions: [
              {
                messageId: 'escapeDots',
                output: String.raw`import type { GuardOptions } from '@rebind-guard/core';
import { createGuard } from '@rebind-guard/core';
const options: GuardOptions = { hosts: [/api\.example\.com/] };
createGuard(options satisfies GuardOptions);`,
              },
            ],
          },
        ],
      },
    ],
  },
});
