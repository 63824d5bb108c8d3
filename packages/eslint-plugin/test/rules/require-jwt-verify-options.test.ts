import rule from '../../src/rules/require-jwt-verify-options.js';
import { runRule } from '../rule-tester.js';

const ALG_AUD = '`algorithms` and `audience`';
const ALL = '`algorithms`, `audience` and `issuer`';

runRule('require-jwt-verify-options', rule, {
  valid: [
    // Issue 14 miss 5: fast-jwt and jws with everything pinned.
    "import { createVerifier } from 'fast-jwt'; const verify = createVerifier({ key, algorithms: ['RS256'], allowedAud: 'api' });",
    "const jws = require('jws'); jws.verify(signature, 'RS256', publicKey);",
    // jsonwebtoken with both options, inline or through const objects and spreads
    "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['RS256'], audience: 'api' });",
    "import jwt from 'jsonwebtoken'; const opts = { algorithms: ['RS256'], audience: 'api' }; jwt.verify(token, key, opts);",
    "import jwt from 'jsonwebtoken'; const base = { algorithms: ['RS256'] }; jwt.verify(token, key, { ...base, audience: 'api' }, cb);",
    // unresolvable options / spreads: silent
    "import jwt from 'jsonwebtoken'; jwt.verify(token, key, getOptions());",
    "import jwt from 'jsonwebtoken'; function f(opts) { jwt.verify(token, key, opts); }",
    "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { ...shared, audience: 'api' });",
    "import jwt from 'jsonwebtoken'; const opts = {}; opts.algorithms = ['RS256']; opts.audience = 'a'; jwt.verify(token, key, opts);",
    "import jwt from 'jsonwebtoken'; jwt.verify(...args);",
    // not jsonwebtoken / shadowed / sign
    "import jwt from 'other-jwt'; jwt.verify(token, key);",
    "import jwt from 'jsonwebtoken'; function f(jwt) { jwt.verify(token, key); }",
    'const verify = (a, b) => a; verify(token, key);',
    "import jwt from 'jsonwebtoken'; jwt.sign(payload, key);",
    // issuer only required with requireIssuer
    "const { jwtVerify } = require('jose'); jwtVerify(token, jwks, { algorithms: ['ES256'], audience: 'api' });",
    {
      code: "import { jwtVerify } from 'jose'; jwtVerify(token, jwks, { algorithms: ['ES256'], audience: 'api', issuer: 'https://idp' });",
      options: [{ requireIssuer: true }],
    },
    "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret, algorithms: ['HS256'], audience: 'api' }));",
    "import koaJwt from 'koa-jwt'; app.use(koaJwt({ secret, algorithms: ['HS256'], audience: 'api' }));",
    "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret, verify: { algorithms: ['HS256'], allowedAud: 'api' } });",
    "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret, verify: verifyOptions });",
    "const { Strategy } = require('passport-jwt'); new Strategy({ secretOrKey, algorithms: ['RS256'], jsonWebTokenOptions: { audience: 'api' } }, cb);",
    "import { Strategy } from 'passport-local'; new Strategy({}, cb);",
  ],
  invalid: [
    {
      // Issue 14 miss 5: fast-jwt createVerifier without allowedAud.
      code: "import { createVerifier } from 'fast-jwt'; const verify = createVerifier({ key, algorithms: ['RS256'] });",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'fast-jwt createVerifier()', missing: '`allowedAud`' },
          line: 1,
          column: 74,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              data: { missing: '`allowedAud`' },
              output:
                "import { createVerifier } from 'fast-jwt'; const verify = createVerifier({ key, algorithms: ['RS256'], allowedAud: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      code: "const { createVerifier } = require('fast-jwt'); const verify = createVerifier();",
      errors: [
        {
          messageId: 'noOptions',
          data: { api: 'fast-jwt createVerifier()', missing: '`algorithms` and `allowedAud`' },
          line: 1,
          column: 64,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              data: { missing: '`algorithms` and `allowedAud`' },
              output:
                "const { createVerifier } = require('fast-jwt'); const verify = createVerifier({ algorithms: ['RS256'], allowedAud: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      // Issue 14 miss 5: jws.verify without the algorithm argument (the old two-argument form).
      code: "import jws from 'jws'; if (jws.verify(signature, secret)) next();",
      errors: [{ messageId: 'jwsNoAlgorithm', line: 1, column: 28 }],
    },
    {
      code: "import jwt from 'jsonwebtoken'; jwt.verify(token, key);",
      errors: [
        {
          messageId: 'noOptions',
          line: 1,
          column: 33,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              data: { missing: ALG_AUD },
              output:
                "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['RS256'], audience: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      // callback in the options slot
      code: "const jwt = require('jsonwebtoken'); jwt.verify(token, key, (err, payload) => {});",
      errors: [
        {
          messageId: 'noOptions',
          line: 1,
          column: 38,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "const jwt = require('jsonwebtoken'); jwt.verify(token, key, { algorithms: ['RS256'], audience: '<expected-audience>' }, (err, payload) => {});",
            },
          ],
        },
      ],
    },
    {
      // destructured + renamed require
      code: "const { verify: v } = require('jsonwebtoken'); v(token, key, { algorithms: ['HS256'] });",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'jwt.verify()', missing: '`audience`' },
          line: 1,
          column: 62,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "const { verify: v } = require('jsonwebtoken'); v(token, key, { algorithms: ['HS256'], audience: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      // renamed ESM import, empty object
      code: "import { verify as check } from 'jsonwebtoken'; check(token, key, {});",
      errors: [
        {
          messageId: 'missingOptions',
          line: 1,
          column: 67,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import { verify as check } from 'jsonwebtoken'; check(token, key, { algorithms: ['RS256'], audience: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      // namespace import, options through a const object: the suggestion edits the const
      code: "import * as jwt from 'jsonwebtoken';\nconst opts = { audience: 'api' };\njwt.verify(token, key, opts);",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'jwt.verify()', missing: '`algorithms`' },
          line: 3,
          column: 24,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import * as jwt from 'jsonwebtoken';\nconst opts = { audience: 'api', algorithms: ['RS256'] };\njwt.verify(token, key, opts);",
            },
          ],
        },
      ],
    },
    {
      // const alias of the function; `audience: undefined` counts as missing (no clean insertion)
      code: "import jwt from 'jsonwebtoken'; const v = jwt.verify; v(token, key, { algorithms: ['RS256'], audience: undefined });",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'jwt.verify()', missing: '`audience`' },
          line: 1,
          column: 69,
          suggestions: [],
        },
      ],
    },
    {
      // null options
      code: "import jwt from 'jsonwebtoken'; jwt.verify(token, key, null);",
      errors: [
        {
          messageId: 'noOptions',
          line: 1,
          column: 33,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['RS256'], audience: '<expected-audience>' });",
            },
          ],
        },
      ],
    },
    {
      // requireIssuer (strict)
      code: "import { jwtVerify } from 'jose'; await jwtVerify(token, jwks, { algorithms: ['ES256'], audience: 'api' });",
      options: [{ requireIssuer: true }],
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'jose jwtVerify()', missing: '`issuer`' },
          line: 1,
          column: 64,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import { jwtVerify } from 'jose'; await jwtVerify(token, jwks, { algorithms: ['ES256'], audience: 'api', issuer: '<expected-issuer>' });",
            },
          ],
        },
      ],
    },
    {
      // jose without options, requireIssuer
      code: "import * as jose from 'jose'; await jose.jwtVerify(token, jwks);",
      options: [{ requireIssuer: true }],
      errors: [
        {
          messageId: 'noOptions',
          data: { api: 'jose jwtVerify()', missing: ALL },
          line: 1,
          column: 37,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import * as jose from 'jose'; await jose.jwtVerify(token, jwks, { algorithms: ['RS256'], audience: '<expected-audience>', issuer: '<expected-issuer>' });",
            },
          ],
        },
      ],
    },
    {
      code: "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret, algorithms: ['HS256'] }));",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'expressjwt()', missing: '`audience`' },
          line: 1,
          column: 62,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret, algorithms: ['HS256'], audience: '<expected-audience>' }));",
            },
          ],
        },
      ],
    },
    {
      // koa-jwt default export via require
      code: "const jwt = require('koa-jwt'); app.use(jwt({ secret }));",
      errors: [
        {
          messageId: 'missingOptions',
          line: 1,
          column: 45,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "const jwt = require('koa-jwt'); app.use(jwt({ secret, algorithms: ['RS256'], audience: '<expected-audience>' }));",
            },
          ],
        },
      ],
    },
    {
      // @fastify/jwt without `verify`
      code: "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret });",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: '@fastify/jwt', missing: '`verify.algorithms` and `verify.allowedAud`' },
          line: 1,
          column: 65,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret, verify: { algorithms: ['RS256'], allowedAud: '<expected-audience>' } });",
            },
          ],
        },
      ],
    },
    {
      // @fastify/jwt with a partial `verify`
      code: "const fastifyJwt = require('@fastify/jwt'); fastify.register(fastifyJwt, { secret, verify: { allowedAud: 'api' } });",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: '@fastify/jwt', missing: '`verify.algorithms`' },
          line: 1,
          column: 74,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "const fastifyJwt = require('@fastify/jwt'); fastify.register(fastifyJwt, { secret, verify: { allowedAud: 'api', algorithms: ['RS256'] } });",
            },
          ],
        },
      ],
    },
    {
      // passport-jwt Strategy through a destructured require
      code: "const { Strategy: JwtStrategy } = require('passport-jwt'); passport.use(new JwtStrategy({ secretOrKey, algorithms: ['RS256'] }, verify));",
      errors: [
        {
          messageId: 'missingOptions',
          data: { api: 'passport-jwt Strategy', missing: '`audience`' },
          line: 1,
          column: 89,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "const { Strategy: JwtStrategy } = require('passport-jwt'); passport.use(new JwtStrategy({ secretOrKey, algorithms: ['RS256'], audience: '<expected-audience>' }, verify));",
            },
          ],
        },
      ],
    },
    {
      // express-jwt called without any argument
      code: "import { expressjwt } from 'express-jwt'; app.use(expressjwt());",
      errors: [
        {
          messageId: 'noOptions',
          line: 1,
          column: 51,
          suggestions: [
            {
              messageId: 'addPlaceholders',
              output:
                "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ algorithms: ['RS256'], audience: '<expected-audience>' }));",
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      "import jwt from 'jsonwebtoken'; const opts = { algorithms: ['RS256'], audience: 'api' } as const satisfies jwt.VerifyOptions; jwt.verify(token, key, opts);",
      "import type { verify } from 'jsonwebtoken'; declare const v: typeof verify; v(token, key);",
    ],
    invalid: [
      {
        code: "import jwt = require('jsonwebtoken'); jwt.verify(token as string, key!, { algorithms: ['RS256'] } as jwt.VerifyOptions);",
        errors: [
          {
            messageId: 'missingOptions',
            line: 1,
            column: 73,
            suggestions: [
              {
                messageId: 'addPlaceholders',
                output:
                  "import jwt = require('jsonwebtoken'); jwt.verify(token as string, key!, { algorithms: ['RS256'], audience: '<expected-audience>' } as jwt.VerifyOptions);",
              },
            ],
          },
        ],
      },
      {
        code: "import { verify } from 'jsonwebtoken'; const payload = verify(token, key) as Claims;",
        errors: [
          {
            messageId: 'noOptions',
            line: 1,
            column: 56,
            suggestions: [
              {
                messageId: 'addPlaceholders',
                output:
                  "import { verify } from 'jsonwebtoken'; const payload = verify(token, key, { algorithms: ['RS256'], audience: '<expected-audience>' }) as Claims;",
              },
            ],
          },
        ],
      },
    ],
  },
});
