import rule from '../../src/rules/no-hardcoded-jwt-secret.js';
import { runRule } from '../rule-tester.js';

const ENV = 'process.env.JWT_SECRET';

runRule('no-hardcoded-jwt-secret', rule, {
  valid: [
    // A key named as public-key material: its literal fallback is a placeholder, not a secret.
    "import { expressjwt } from 'express-jwt';\nexport const publicKey = fs ? fs.readFileSync('jwt.pub', 'utf8') : 'placeholder-public-key';\napp.use(expressjwt({ secret: publicKey, algorithms: ['RS256'] }));",
    // Env fallbacks that are not secrets: durations, issuers, key file paths, public keys, empty strings.
    "export const config = { expiresIn: process.env.JWT_EXPIRES_IN || '7d', issuer: process.env.JWT_ISSUER || 'api' };",
    "const keyPath = process.env.JWT_PRIVATE_KEY || './keys/private.pem';",
    "const pub = process.env.JWT_PUBLIC_KEY || 'none';",
    "const secret = process.env.JWT_SECRET || '';",
    "const port = process.env.PORT || '3000';",
    // Test files are skipped.
    { code: "module.exports = { secret: process.env.JWT_SECRET || 'changeme' };", filename: 'test/config.js' },
    "import jwt from 'jsonwebtoken'; jwt.sign(payload, process.env.JWT_SECRET);",
    "import jwt from 'jsonwebtoken'; const secret = process.env.JWT_SECRET; jwt.verify(token, secret, { algorithms: ['HS256'] });",
    "import jwt from 'jsonwebtoken'; jwt.verify(token, getKey);",
    "import jwt from 'jsonwebtoken'; function f(key) { return jwt.sign(payload, key); }",
    "import jwt from 'jsonwebtoken'; jwt.sign(payload, process.env.JWT_SECRET || '');",
    "import jwt from 'jsonwebtoken'; jwt.verify(token, `${process.env.PREFIX}`);",
    // a PEM public key is not a secret
    "import jwt from 'jsonwebtoken'; jwt.verify(token, '-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----', { algorithms: ['RS256'] });",
    // not a JWT API / shadowed
    "import crypto from 'node:crypto'; crypto.createHmac('sha256', 'not-a-jwt-secret');",
    "import jwt from 'jsonwebtoken'; function f(jwt) { jwt.sign(payload, 'secret'); }",
    "const sign = (a, b) => a; sign(payload, 'secret');",
    // test files are ignored by default
    { code: "import jwt from 'jsonwebtoken'; jwt.sign(payload, 'test-secret');", filename: 'src/auth.test.js' },
    { code: "import jwt from 'jsonwebtoken'; jwt.sign(payload, 'test-secret');", filename: 'test/helpers.js' },
    { code: "import jwt from 'jsonwebtoken'; jwt.sign(payload, 'test-secret');", filename: 'src/__tests__/auth.js' },
    "import { SignJWT } from 'jose'; await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(process.env.JWT_SECRET));",
  ],
  invalid: [
    {
      code: "import { createVerifier } from 'fast-jwt'; createVerifier({ key: 'shhhh', algorithms: ['HS256'], allowedAud: 'api' });",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 66,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output:
                "import { createVerifier } from 'fast-jwt'; createVerifier({ key: process.env.JWT_SECRET, algorithms: ['HS256'], allowedAud: 'api' });",
            },
          ],
        },
      ],
    },
    {
      code: "import jws from 'jws'; jws.verify(signature, 'HS256', 'shhhh');",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 55,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: "import jws from 'jws'; jws.verify(signature, 'HS256', process.env.JWT_SECRET);",
            },
          ],
        },
      ],
    },
    {
      // Issue 14 miss 3: a config module exports the fallback; the JWT call is elsewhere.
      code: "module.exports = { jwtSecret: process.env.JWT_SECRET || 'changeme', port: process.env.PORT || 3000 };",
      errors: [
        {
          messageId: 'hardcodedEnvFallback',
          data: { name: 'process.env.JWT_SECRET' },
          line: 1,
          column: 57,
          suggestions: [
            {
              messageId: 'removeFallback',
              output: 'module.exports = { jwtSecret: process.env.JWT_SECRET, port: process.env.PORT || 3000 };',
            },
          ],
        },
      ],
    },
    {
      code: "export const SECRET_KEY = process.env['SECRET_KEY'] ?? `dev-secret`;",
      errors: [
        {
          messageId: 'hardcodedEnvFallback',
          line: 1,
          column: 56,
          suggestions: [
            { messageId: 'removeFallback', output: "export const SECRET_KEY = process.env['SECRET_KEY'];" },
          ],
        },
      ],
    },
    {
      code: "const { JWT_SECRET = 'changeme', PORT = 3000 } = process.env;\nexport { JWT_SECRET, PORT };",
      errors: [
        {
          messageId: 'hardcodedEnvFallback',
          line: 1,
          column: 22,
          suggestions: [
            {
              messageId: 'removeFallback',
              output: 'const { JWT_SECRET, PORT = 3000 } = process.env;\nexport { JWT_SECRET, PORT };',
            },
          ],
        },
      ],
    },
    {
      // In a JWT call the API-specific report wins; one report per literal.
      code: "import jwt from 'jsonwebtoken';\nconst secret = process.env.JWT_SECRET || 'changeme';\njwt.sign(p, secret);",
      errors: [
        {
          messageId: 'hardcodedFallback',
          line: 2,
          column: 42,
          suggestions: [
            {
              messageId: 'removeFallback',
              output: "import jwt from 'jsonwebtoken';\nconst secret = process.env.JWT_SECRET;\njwt.sign(p, secret);",
            },
          ],
        },
      ],
    },
    {
      code: "import jwt from 'jsonwebtoken'; jwt.sign(payload, 'shh');",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'jwt.sign()' },
          line: 1,
          column: 51,
          suggestions: [
            { messageId: 'useEnvSecret', output: `import jwt from 'jsonwebtoken'; jwt.sign(payload, ${ENV});` },
          ],
        },
      ],
    },
    {
      // const literal, reported once where it is written (used by sign and verify)
      code: "const { sign, verify: v } = require('jsonwebtoken');\nconst SECRET = `s3cr3t`;\nsign(p, SECRET);\nv(t, SECRET, { algorithms: ['HS256'] });",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `const { sign, verify: v } = require('jsonwebtoken');\nconst SECRET = ${ENV};\nsign(p, SECRET);\nv(t, SECRET, { algorithms: ['HS256'] });`,
            },
          ],
        },
      ],
    },
    {
      // env fallback
      code: "import * as jwt from 'jsonwebtoken'; jwt.verify(token, process.env.JWT_SECRET || 'dev-secret');",
      errors: [
        {
          messageId: 'hardcodedFallback',
          line: 1,
          column: 82,
          suggestions: [
            {
              messageId: 'removeFallback',
              output: "import * as jwt from 'jsonwebtoken'; jwt.verify(token, process.env.JWT_SECRET);",
            },
          ],
        },
      ],
    },
    {
      // fallback through a const, with ??
      code: "import { sign } from 'jsonwebtoken';\nconst key = process.env.KEY ?? 'fallback';\nexport const mint = (p) => sign(p, key);",
      errors: [
        {
          messageId: 'hardcodedFallback',
          line: 2,
          column: 32,
          suggestions: [
            {
              messageId: 'removeFallback',
              output:
                "import { sign } from 'jsonwebtoken';\nconst key = process.env.KEY;\nexport const mint = (p) => sign(p, key);",
            },
          ],
        },
      ],
    },
    {
      // concatenation of static strings
      code: "import jwt from 'jsonwebtoken'; const PART = 'abc'; jwt.sign(p, PART + '123');",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 65,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import jwt from 'jsonwebtoken'; const PART = 'abc'; jwt.sign(p, ${ENV});`,
            },
          ],
        },
      ],
    },
    {
      code: "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret: 'shh', algorithms: ['HS256'] }));",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'expressjwt()' },
          line: 1,
          column: 72,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret: ${ENV}, algorithms: ['HS256'] }));`,
            },
          ],
        },
      ],
    },
    {
      // koa-jwt, array of secrets, const options object
      code: "const koaJwt = require('koa-jwt'); const opts = { secret: ['old', process.env.NEW] }; app.use(koaJwt(opts));",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 60,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `const koaJwt = require('koa-jwt'); const opts = { secret: [${ENV}, process.env.NEW] }; app.use(koaJwt(opts));`,
            },
          ],
        },
      ],
    },
    {
      code: "import fastifyJwt from '@fastify/jwt'; fastify.register(fastifyJwt, { secret: 'supersecret' });",
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 79,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import fastifyJwt from '@fastify/jwt'; fastify.register(fastifyJwt, { secret: ${ENV} });`,
            },
          ],
        },
      ],
    },
    {
      code: "import { Strategy } from 'passport-jwt'; passport.use(new Strategy({ secretOrKey: 'k', algorithms: ['HS256'] }, cb));",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'passport-jwt Strategy' },
          line: 1,
          column: 83,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import { Strategy } from 'passport-jwt'; passport.use(new Strategy({ secretOrKey: ${ENV}, algorithms: ['HS256'] }, cb));`,
            },
          ],
        },
      ],
    },
    {
      // jose: TextEncoder-encoded literal, through a const, for jwtVerify
      code: "import { jwtVerify } from 'jose';\nconst key = new TextEncoder().encode('jose-secret');\nawait jwtVerify(token, key, { algorithms: ['HS256'] });",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'jose jwtVerify()' },
          line: 2,
          column: 38,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import { jwtVerify } from 'jose';\nconst key = new TextEncoder().encode(${ENV});\nawait jwtVerify(token, key, { algorithms: ['HS256'] });`,
            },
          ],
        },
      ],
    },
    {
      // jose SignJWT builder chain
      code: "import * as jose from 'jose'; const jwt = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k1'));",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'jose SignJWT.sign()' },
          line: 1,
          column: 141,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import * as jose from 'jose'; const jwt = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(${ENV}));`,
            },
          ],
        },
      ],
    },
    {
      // jwt-simple, Buffer.from
      code: "const jwt = require('jwt-simple'); jwt.encode(payload, Buffer.from('raw-secret'));",
      errors: [
        {
          messageId: 'hardcodedSecret',
          data: { api: 'jwt-simple' },
          line: 1,
          column: 68,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `const jwt = require('jwt-simple'); jwt.encode(payload, Buffer.from(${ENV}));`,
            },
          ],
        },
      ],
    },
    {
      // ignoreTestFiles: false reports in test files too; conditional with a literal branch
      code: "import jwt from 'jsonwebtoken'; jwt.sign(p, prod ? process.env.S : 'dev');",
      filename: 'src/auth.spec.js',
      options: [{ ignoreTestFiles: false }],
      errors: [
        {
          messageId: 'hardcodedSecret',
          line: 1,
          column: 68,
          suggestions: [
            {
              messageId: 'useEnvSecret',
              output: `import jwt from 'jsonwebtoken'; jwt.sign(p, prod ? process.env.S : ${ENV});`,
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: ["import jwt from 'jsonwebtoken'; jwt.sign(payload, process.env.JWT_SECRET as string);"],
    invalid: [
      {
        code: "import jwt = require('jsonwebtoken'); const SECRET = 'abc' as const; jwt.sign(p, SECRET satisfies string);",
        errors: [
          {
            messageId: 'hardcodedSecret',
            line: 1,
            column: 54,
            suggestions: [
              {
                messageId: 'useEnvSecret',
                output: `import jwt = require('jsonwebtoken'); const SECRET = ${ENV}; jwt.sign(p, SECRET satisfies string);`,
              },
            ],
          },
        ],
      },
      {
        code: "import { sign } from 'jsonwebtoken'; sign(p, (process.env.JWT_SECRET || 'x')!);",
        errors: [
          {
            messageId: 'hardcodedFallback',
            line: 1,
            column: 73,
            suggestions: [
              {
                messageId: 'removeFallback',
                output: "import { sign } from 'jsonwebtoken'; sign(p, (process.env.JWT_SECRET)!);",
              },
            ],
          },
        ],
      },
    ],
  },
});
