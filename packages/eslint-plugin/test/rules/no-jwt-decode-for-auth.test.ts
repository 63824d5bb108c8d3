import rule from '../../src/rules/no-jwt-decode-for-auth.js';
import { runRule } from '../rule-tester.js';

runRule('no-jwt-decode-for-auth', rule, {
  valid: [
    // verified in the same function (same variable, same request read, or a token of unknown origin)
    `import jwt from 'jsonwebtoken';
     function handler(req, res) {
       const token = req.headers.authorization.split(' ')[1];
       const { header } = jwt.decode(token, { complete: true });
       const payload = jwt.verify(token, keys[header.kid], { algorithms: ['RS256'], audience: 'api' });
       res.json(payload);
     }`,
    `import { decodeJwt, jwtVerify } from 'jose';
     async function handler(ctx) {
       const claims = decodeJwt(ctx.headers.authorization);
       await jwtVerify(ctx.headers.authorization, jwks);
       return claims;
     }`,
    `import jwt from 'jsonwebtoken';
     function handler(req) {
       const user = jwt.decode(req.cookies.session);
       jwt.verify(getToken(), key);
       return user;
     }`,
    // fastify-jwt decorator verification
    `import jwt from 'jsonwebtoken';
     async function handler(request) { await request.jwtVerify(); return jwt.decode(request.headers.authorization); }`,
    // origin unknown: stay silent
    "import jwt from 'jsonwebtoken'; function f(token) { return jwt.decode(token); }",
    "import jwt from 'jsonwebtoken'; const payload = jwt.decode(loadToken());",
    "import { jwtDecode } from 'jwt-decode'; const claims = jwtDecode(localStorage.getItem('token'));",
    // result unused
    "import jwt from 'jsonwebtoken'; function f(req) { jwt.decode(req.headers.authorization); }",
    // not a decode of a tracked library / shadowed
    "import jwt from 'not-jsonwebtoken'; function f(req) { return jwt.decode(req.headers.authorization); }",
    "import jwt from 'jsonwebtoken'; function f(req, jwt) { return jwt.decode(req.headers.authorization); }",
    // reassigned variable: origin unknown
    "import jwt from 'jsonwebtoken'; function f(req) { let t = req.headers.authorization; t = other(); return jwt.decode(t); }",
  ],
  invalid: [
    {
      code: "import jwt from 'jsonwebtoken'; app.get('/me', (req, res) => res.json(jwt.decode(req.headers.authorization.split(' ')[1])));",
      errors: [{ messageId: 'decodeWithoutVerify', data: { api: 'jwt.decode()' }, line: 1, column: 71 }],
    },
    {
      // variable derived from the header through replace()
      code: "const jwt = require('jsonwebtoken');\nfunction me(req) {\n  const token = req.get('Authorization').replace('Bearer ', '');\n  const user = jwt.decode(token);\n  return user.id;\n}",
      errors: [{ messageId: 'decodeWithoutVerify', line: 4, column: 16 }],
    },
    {
      // destructured require, renamed
      code: "const { decode: peek } = require('jsonwebtoken'); function f(req) { const claims = peek(req.cookies.token); return claims.role; }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 84 }],
    },
    {
      // namespace import, koa ctx.cookies.get
      code: "import * as jwt from 'jsonwebtoken'; async function f(ctx) { ctx.state.user = jwt.decode(ctx.cookies.get('session')); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 79 }],
    },
    {
      // jwt-decode v4 named export, renamed
      code: "import { jwtDecode as readClaims } from 'jwt-decode'; function f(request) { return readClaims(request.headers['authorization']); }",
      errors: [{ messageId: 'decodeWithoutVerify', data: { api: 'jwtDecode()' }, line: 1, column: 84 }],
    },
    {
      // jwt-decode v3 default export
      code: "import jwtDecode from 'jwt-decode'; function f(req) { const [, token] = req.headers.authorization.split(' '); return jwtDecode(token); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 118 }],
    },
    {
      // jose decodeJwt, destructured headers
      code: "import { decodeJwt } from 'jose'; function f(req) { const { authorization } = req.headers; if (decodeJwt(authorization).admin) grant(); }",
      errors: [{ messageId: 'decodeWithoutVerify', data: { api: 'jose decodeJwt()' }, line: 1, column: 96 }],
    },
    {
      // nested destructuring from the request
      code: "import jwt from 'jsonwebtoken'; function f({ body }, res, next, req = {}) { const { headers: { authorization: auth } } = req; return jwt.decode(auth); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 134 }],
    },
    {
      // verify of a different request token does not count
      code: "import jwt from 'jsonwebtoken'; function f(req) { jwt.verify(req.cookies.refresh, key); return jwt.decode(req.headers.authorization); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 96 }],
    },
    {
      // verify in another function does not count
      code: "import jwt from 'jsonwebtoken'; function check(t) { return jwt.verify(t, key); } function f(req) { return jwt.decode(req.query.token); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 107 }],
    },
    {
      // logical fallback and slice
      code: "import jwt from 'jsonwebtoken'; function f(req) { const t = (req.headers.authorization || '').slice(7); return jwt.decode(t); }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 112 }],
    },
    {
      // const alias of the decode function
      code: "import jwt from 'jsonwebtoken'; const d = jwt.decode; export function f(req) { return d(req.signedCookies.jwt).sub; }",
      errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 87 }],
    },
  ],
  typescript: {
    valid: [
      `import jwt from 'jsonwebtoken';
       function f(req: Request): string { const token = req.headers.authorization!; jwt.verify(token, key); return (jwt.decode(token) as Claims).sub; }`,
    ],
    invalid: [
      {
        code: "import jwt from 'jsonwebtoken'; function f(req: Req): Claims { return jwt.decode(req.headers.authorization as string) as Claims; }",
        errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 71 }],
      },
      {
        code: "import jwt = require('jsonwebtoken'); const f = (req: Req) => (jwt.decode(req.headers.authorization!.split(' ')[1]!) as Claims).sub;",
        errors: [{ messageId: 'decodeWithoutVerify', line: 1, column: 64 }],
      },
    ],
  },
});
