import rule from '../../src/rules/no-manual-bearer-parsing.js';
import { runRule } from '../rule-tester.js';

/** A CommonJS file (`languageOptions.sourceType` is not in the rule tester's option type). */
const commonjs = { sourceType: 'commonjs' as const, parserOptions: { sourceType: 'script' as const } };

runRule('no-manual-bearer-parsing', rule, {
  valid: [
    // Another scheme, checked before its token is taken.
    "function basic(authorization) { if (authorization.split(' ')[0] === 'Token') return authorization.split(' ')[1]; }",
    // The library parser.
    `import { parseBearer } from '@rebind-guard/core';
const result = parseBearer(req.headers.authorization);`,
    // Case-insensitive regex.
    'const match = /^Bearer (.+)$/i.exec(auth);',
    // Case-normalised before the check.
    "if (req.headers.authorization.toLowerCase().startsWith('bearer ')) next();",
    "const authorization = req.get('Authorization').toLowerCase();\nif (authorization.startsWith('bearer ')) next();",
    // Not an Authorization value.
    "const parts = line.split(' ')[1];",
    'const rest = message.slice(7);',
    "const cookie = req.headers.cookie.split(' ');",
    // Other slice lengths (e.g. 'Basic '.length is 6).
    'const creds = authorization.slice(6);',
    // A Basic-auth-only file splitting the header.
    "const [scheme, value] = req.headers.authorization.split(' ');\nif (scheme === 'Basic') decode(value);",
    // The number of parts is checked and the scheme compared case-insensitively.
    `const parts = ctx.header.authorization.trim().split(' ');
if (parts.length === 2 && /^Bearer$/i.test(parts[0])) token = parts[1];`,
    // A regex that is not about the Bearer scheme.
    'const ok = /^token (.+)$/.test(auth);',
    // Issue 14 FP 4: a case-insensitive scheme check, then the token cut out: a correct parser.
    `function auth(req, res, next) {
  const header = req.headers.authorization || '';
  if (!header.toLowerCase().startsWith('bearer ')) return res.sendStatus(401);
  req.token = header.slice(7);
  next();
}`,
    'const token = /^bearer /i.test(authorization) ? authorization.slice(7) : undefined;',
    // A split whose scheme is compared case-insensitively.
    `const [scheme, token] = req.headers.authorization.split(' ');
if (scheme.toLowerCase() !== 'bearer') throw new Unauthorized();`,
  ],
  invalid: [
    {
      // RealWorld's getToken: one report for the parser, on the case-sensitive Bearer check; the
      // `Token` scheme branch and the `split(' ')[1]` extractions belong to the same parser.
      code: `function getToken(req) {
  if (
    (req.headers.authorization && req.headers.authorization.split(' ')[0] === 'Token') ||
    (req.headers.authorization && req.headers.authorization.split(' ')[0] === 'Bearer')
  ) {
    return req.headers.authorization.split(' ')[1];
  }
  return null;
}`,
      errors: [{ messageId: 'splitCaseSensitiveScheme', line: 4, column: 35 }],
    },
    {
      // Issue 14 FP 4: one report per parser: the case-sensitive check, not the slice after it.
      code: `function auth(req, res, next) {
  const authHeader = req.headers.authorization;
  if (!authHeader || !authHeader.startsWith('Bearer ')) return res.sendStatus(401);
  const token = authHeader.slice(7);
  next();
}`,
      errors: [{ messageId: 'caseSensitiveScheme', line: 3, column: 23 }],
    },
    {
      // The regex form of the same parser: one report, on the regex.
      code: "const token = /^Bearer /.test(authorization) ? authorization.replace('Bearer ', '') : null;",
      errors: [
        {
          messageId: 'caseSensitiveRegex',
          line: 1,
          column: 15,
          suggestions: [
            {
              messageId: 'addIgnoreCase',
              output: "const token = /^Bearer /i.test(authorization) ? authorization.replace('Bearer ', '') : null;",
            },
          ],
        },
      ],
    },
    {
      // A check in another function does not cover this extraction.
      code: `function isBearer(h) { return h.toLowerCase().startsWith('bearer '); }
function token(authorization) { return authorization.slice(7); }`,
      errors: [{ messageId: 'sliceScheme', line: 2, column: 40, suggestions: [] }],
    },
    {
      // Issue 14 FP 4: `split(' ')[0] === 'Bearer'` checks the scheme, case-sensitively.
      code: `function auth(req, res) {
  const parts = req.headers.authorization.split(' ');
  if (parts[0] !== 'Bearer') return res.status(401).end();
  return parts[1];
}`,
      errors: [{ messageId: 'splitCaseSensitiveScheme', line: 2, column: 17 }],
    },
    {
      code: `const [type, token] = authHeader.split(' ');
if (type === 'Bearer' && token) verify(token);`,
      errors: [{ messageId: 'splitCaseSensitiveScheme', line: 1, column: 23 }],
    },
    {
      code: "if (req.headers.authorization.split(' ')[0] === 'Bearer') next();",
      errors: [{ messageId: 'splitCaseSensitiveScheme', line: 1, column: 5 }],
    },
    {
      code: "const token = req.headers.authorization.split(' ')[1];",
      errors: [
        {
          messageId: 'splitHeader',
          line: 1,
          column: 15,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output:
                "import { parseBearer } from '@rebind-guard/core';\nconst bearer = parseBearer(req.headers.authorization);\nconst token = bearer.ok ? bearer.token : undefined;",
            },
          ],
        },
      ],
    },
    {
      // Existing core import: the specifier is appended; optional chaining kept out of the call.
      code: `import { createGuard } from '@rebind-guard/core';
function handler(req) {
  const token = req.headers['authorization']?.split(' ')[1];
  return token;
}`,
      errors: [
        {
          messageId: 'splitHeader',
          line: 3,
          column: 17,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `import { createGuard, parseBearer } from '@rebind-guard/core';
function handler(req) {
  const bearer = parseBearer(req.headers['authorization']);
  const token = bearer.ok ? bearer.token : undefined;
  return token;
}`,
            },
          ],
        },
      ],
    },
    {
      // Renamed import is reused; `bearer` is taken, so another temp name is used.
      code: `import { parseBearer as pb } from '@rebind-guard/core';
const bearer = 1;
let token = req.get('Authorization').replace('Bearer ', '');`,
      errors: [
        {
          messageId: 'replaceScheme',
          line: 3,
          column: 13,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `import { parseBearer as pb } from '@rebind-guard/core';
const bearer = 1;
const bearerResult = pb(req.get('Authorization'));
let token = bearerResult.ok ? bearerResult.token : undefined;`,
            },
          ],
        },
      ],
    },
    {
      // Namespace import is reused.
      code: `import * as core from '@rebind-guard/core';
const auth = ctx.get('authorization');
const token = auth.slice(7);`,
      errors: [
        {
          messageId: 'sliceScheme',
          line: 3,
          column: 15,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `import * as core from '@rebind-guard/core';
const auth = ctx.get('authorization');
const bearer = core.parseBearer(auth);
const token = bearer.ok ? bearer.token : undefined;`,
            },
          ],
        },
      ],
    },
    {
      // Destructured require is reused (CommonJS).
      code: `const { parseBearer: parse } = require('@rebind-guard/core');
const authHeader = request.headers.authorization;
const token = authHeader.substring('Bearer '.length);`,
      errors: [
        {
          messageId: 'sliceScheme',
          line: 3,
          column: 15,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `const { parseBearer: parse } = require('@rebind-guard/core');
const authHeader = request.headers.authorization;
const bearer = parse(authHeader);
const token = bearer.ok ? bearer.token : undefined;`,
            },
          ],
        },
      ],
    },
    {
      // Whole-module require is reused.
      code: `const rg = require('@rebind-guard/core');
const token = ctx.header.authorization.substr(7);`,
      errors: [
        {
          messageId: 'sliceScheme',
          line: 2,
          column: 15,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `const rg = require('@rebind-guard/core');
const bearer = rg.parseBearer(ctx.header.authorization);
const token = bearer.ok ? bearer.token : undefined;`,
            },
          ],
        },
      ],
    },
    {
      // CommonJS file without the import: a require is added.
      code: `'use strict';
const express = require('express');
const token = req.headers.authorization.replace(/^Bearer\\s+/, '');`,
      languageOptions: commonjs,
      errors: [
        {
          messageId: 'replaceScheme',
          line: 3,
          column: 15,
          suggestions: [
            {
              messageId: 'useParseBearer',
              output: `'use strict';
const { parseBearer } = require('@rebind-guard/core');
const express = require('express');
const bearer = parseBearer(req.headers.authorization);
const token = bearer.ok ? bearer.token : undefined;`,
            },
          ],
        },
      ],
    },
    {
      // Not in a simple declaration: reported without a suggestion.
      code: "jwt.verify(req.headers.authorization.split(' ')[1], key);",
      errors: [{ messageId: 'splitHeader', line: 1, column: 12, suggestions: [] }],
    },
    {
      // Destructuring the split result.
      code: 'const [, token] = auth_header.split(/\\s+/);',
      errors: [{ messageId: 'splitHeader', line: 1, column: 19, suggestions: [] }],
    },
    {
      // `parseBearer` is already a different local: no suggestion (it would not produce valid code).
      code: "const parseBearer = (h) => h;\nconst token = authorization.split(' ')[1];",
      errors: [{ messageId: 'splitHeader', line: 2, column: 15, suggestions: [] }],
    },
    {
      code: "function f(req, res) { if (!req.headers.authorization.startsWith('Bearer ')) return res.sendStatus(401); }",
      errors: [{ messageId: 'caseSensitiveScheme', line: 1, column: 29 }],
    },
    {
      code: "if (authorization.indexOf('Bearer') !== 0) throw new Error('unauthorized');",
      errors: [{ messageId: 'caseSensitiveScheme', line: 1, column: 5 }],
    },
    {
      code: 'const match = /^Bearer (.+)$/.exec(auth);',
      errors: [
        {
          messageId: 'caseSensitiveRegex',
          line: 1,
          column: 15,
          suggestions: [{ messageId: 'addIgnoreCase', output: 'const match = /^Bearer (.+)$/i.exec(auth);' }],
        },
      ],
    },
    {
      // Const regex and new RegExp with flags.
      code: "const BEARER = new RegExp('^Bearer\\\\s+(\\\\S+)$', 'u');\nconst m = header.match(BEARER);",
      errors: [
        {
          messageId: 'caseSensitiveRegex',
          line: 1,
          column: 16,
          suggestions: [
            {
              messageId: 'addIgnoreCase',
              output: "const BEARER = new RegExp('^Bearer\\\\s+(\\\\S+)$', 'ui');\nconst m = header.match(BEARER);",
            },
          ],
        },
      ],
    },
    {
      code: "const ok = RegExp('^Bearer ').test(value);",
      errors: [
        {
          messageId: 'caseSensitiveRegex',
          line: 1,
          column: 12,
          suggestions: [{ messageId: 'addIgnoreCase', output: "const ok = RegExp('^Bearer ', 'i').test(value);" }],
        },
      ],
    },
  ],
  typescript: {
    valid: ['const h = req.headers.authorization as string;\nconst r = parseBearer(h);'],
    invalid: [
      {
        code: "const token: string = (req.headers.authorization as string).split(' ')[1]!;",
        errors: [{ messageId: 'splitHeader', line: 1, column: 23, suggestions: [] }],
      },
      {
        code: "import type { BearerToken } from '@rebind-guard/core';\nconst token: string | undefined = req.headers.authorization!.split(' ')[1];",
        errors: [
          {
            messageId: 'splitHeader',
            line: 2,
            column: 35,
            suggestions: [
              {
                messageId: 'useParseBearer',
                output:
                  "import type { BearerToken } from '@rebind-guard/core';\nimport { parseBearer } from '@rebind-guard/core';\nconst bearer = parseBearer(req.headers.authorization!);\nconst token: string | undefined = bearer.ok ? bearer.token : undefined;",
              },
            ],
          },
        ],
      },
    ],
  },
});
