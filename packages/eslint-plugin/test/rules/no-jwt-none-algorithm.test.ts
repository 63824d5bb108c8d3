import rule from '../../src/rules/no-jwt-none-algorithm.js';
import { runRule } from '../rule-tester.js';

runRule('no-jwt-none-algorithm', rule, {
  valid: [
    "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['RS256'], audience: 'api' });",
    "import jwt from 'jsonwebtoken'; jwt.sign(payload, key, { algorithm: 'HS256' });",
    "import jwt from 'jsonwebtoken'; jwt.verify(token, process.env.JWT_KEY);",
    "import jwt from 'jsonwebtoken'; function f(key) { jwt.verify(token, key); }",
    "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: getAlgorithms() });",
    // not a JWT library / shadowed
    "import lib from 'other'; lib.verify(token, null, { algorithms: ['none'] });",
    "const config = { algorithms: ['none'] };",
    "import jwt from 'jsonwebtoken'; function f(jwt) { jwt.verify(token, null); }",
    // jwt-simple with noVerify false / unknown
    "const jwt = require('jwt-simple'); jwt.decode(token, key);",
    "const jwt = require('jwt-simple'); jwt.decode(token, key, false, 'HS256');",
    "const jwt = require('jwt-simple'); jwt.decode(token, key, skip);",
    "import { decodeProtectedHeader } from 'jose'; decodeProtectedHeader(token);",
    "import { expressjwt } from 'express-jwt'; expressjwt({ secret: getSecret, algorithms: ['RS256'] });",
  ],
  invalid: [
    {
      code: "const jws = require('jws'); jws.verify(signature, 'none', key);",
      errors: [
        {
          messageId: 'noneAlgorithm',
          line: 1,
          column: 51,
          suggestions: [
            { messageId: 'replaceNone', output: "const jws = require('jws'); jws.verify(signature, 'RS256', key);" },
          ],
        },
      ],
    },
    {
      code: "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['HS256', 'none'] });",
      errors: [
        {
          messageId: 'noneAlgorithm',
          line: 1,
          column: 80,
          suggestions: [
            {
              messageId: 'removeNone',
              output: "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['HS256'] });",
            },
            {
              messageId: 'replaceNone',
              output: "import jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['HS256', 'RS256'] });",
            },
          ],
        },
      ],
    },
    {
      // any case, through a const array, destructured require
      code: "const { verify } = require('jsonwebtoken');\nconst ALGS = ['None', 'RS256'];\nverify(token, key, { algorithms: ALGS });",
      errors: [
        {
          messageId: 'noneAlgorithm',
          line: 2,
          column: 15,
          suggestions: [
            {
              messageId: 'removeNone',
              output:
                "const { verify } = require('jsonwebtoken');\nconst ALGS = ['RS256'];\nverify(token, key, { algorithms: ALGS });",
            },
            {
              messageId: 'replaceNone',
              output:
                "const { verify } = require('jsonwebtoken');\nconst ALGS = ['RS256', 'RS256'];\nverify(token, key, { algorithms: ALGS });",
            },
          ],
        },
      ],
    },
    {
      // sign with algorithm: 'none' via a renamed import
      code: "import { sign as mint } from 'jsonwebtoken'; mint(payload, '', { algorithm: 'NONE' });",
      errors: [
        {
          messageId: 'noneAlgorithm',
          data: { api: 'jwt.sign()' },
          line: 1,
          column: 77,
          suggestions: [
            {
              messageId: 'replaceNone',
              output: "import { sign as mint } from 'jsonwebtoken'; mint(payload, '', { algorithm: 'RS256' });",
            },
          ],
        },
      ],
    },
    {
      // only element: no removal suggestion
      code: "import * as jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: [`none`] });",
      errors: [
        {
          messageId: 'noneAlgorithm',
          line: 1,
          column: 76,
          suggestions: [
            {
              messageId: 'replaceNone',
              output: "import * as jwt from 'jsonwebtoken'; jwt.verify(token, key, { algorithms: ['RS256'] });",
            },
          ],
        },
      ],
    },
    {
      code: "import jwt from 'jsonwebtoken'; jwt.verify(token, null);",
      errors: [{ messageId: 'falsyKey', data: { api: 'jwt.verify()' }, line: 1, column: 51 }],
    },
    {
      code: "import jwt from 'jsonwebtoken'; const KEY = ''; jwt.verify(token, KEY, { algorithms: ['HS256'] });",
      errors: [{ messageId: 'falsyKey', line: 1, column: 67 }],
    },
    {
      code: "const jwt = require('jsonwebtoken'); jwt.verify(token, undefined, cb);",
      errors: [{ messageId: 'falsyKey', line: 1, column: 56 }],
    },
    {
      // no key at all
      code: "import { verify } from 'jsonwebtoken'; verify(token);",
      errors: [{ messageId: 'falsyKey', line: 1, column: 40 }],
    },
    {
      code: "import { expressjwt } from 'express-jwt'; app.use(expressjwt({ secret: false, algorithms: ['HS256'] }));",
      errors: [{ messageId: 'falsyKey', data: { api: 'expressjwt()' }, line: 1, column: 72 }],
    },
    {
      // jwt-simple noVerify (truthy, through a const)
      code: "const simple = require('jwt-simple'); const SKIP = true; simple.decode(token, key, SKIP);",
      errors: [
        {
          messageId: 'noVerify',
          line: 1,
          column: 84,
          suggestions: [
            {
              messageId: 'setNoVerifyFalse',
              output: "const simple = require('jwt-simple'); const SKIP = true; simple.decode(token, key, false);",
            },
          ],
        },
      ],
    },
    {
      code: "import jwtSimple from 'jwt-simple'; jwtSimple.decode(token, key, 1, 'HS256');",
      errors: [
        {
          messageId: 'noVerify',
          line: 1,
          column: 66,
          suggestions: [
            {
              messageId: 'setNoVerifyFalse',
              output: "import jwtSimple from 'jwt-simple'; jwtSimple.decode(token, key, false, 'HS256');",
            },
          ],
        },
      ],
    },
    {
      code: "import { UnsecuredJWT } from 'jose'; const { payload } = UnsecuredJWT.decode(token);",
      errors: [{ messageId: 'unsecuredJwt', line: 1, column: 58 }],
    },
    {
      // @fastify/jwt verify options
      code: "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret, verify: { algorithms: ['none'] } });",
      errors: [
        {
          messageId: 'noneAlgorithm',
          data: { api: '@fastify/jwt' },
          line: 1,
          column: 98,
          suggestions: [
            {
              messageId: 'replaceNone',
              output:
                "import fastifyJwt from '@fastify/jwt'; app.register(fastifyJwt, { secret, verify: { algorithms: ['RS256'] } });",
            },
          ],
        },
      ],
    },
    {
      // passport-jwt, algorithms as a plain string
      code: "import { Strategy } from 'passport-jwt'; new Strategy({ secretOrKey: key, algorithms: 'none' }, cb);",
      errors: [
        {
          messageId: 'noneAlgorithm',
          line: 1,
          column: 87,
          suggestions: [
            {
              messageId: 'replaceNone',
              output:
                "import { Strategy } from 'passport-jwt'; new Strategy({ secretOrKey: key, algorithms: 'RS256' }, cb);",
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      "import jwt from 'jsonwebtoken'; jwt.verify(token, key as string, { algorithms: ['RS256'] as jwt.Algorithm[] });",
    ],
    invalid: [
      {
        code: "import jwt = require('jsonwebtoken'); jwt.verify(token, key!, { algorithms: ['none' as jwt.Algorithm] });",
        errors: [
          {
            messageId: 'noneAlgorithm',
            line: 1,
            column: 78,
            suggestions: [
              {
                messageId: 'replaceNone',
                output: "import jwt = require('jsonwebtoken'); jwt.verify(token, key!, { algorithms: ['RS256'] });",
              },
            ],
          },
        ],
      },
      {
        code: "import { jwtVerify } from 'jose'; await jwtVerify(token, null as unknown as Uint8Array);",
        errors: [{ messageId: 'falsyKey', data: { api: 'jose jwtVerify()' }, line: 1, column: 58 }],
      },
    ],
  },
});
