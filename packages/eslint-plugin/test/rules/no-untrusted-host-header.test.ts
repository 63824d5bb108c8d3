import rule from '../../src/rules/no-untrusted-host-header.js';
import { runRule } from '../rule-tester.js';

runRule('no-untrusted-host-header', rule, {
  valid: [
    // A decision on X-Forwarded-Host is reported once, by no-host-check-bypass (recommended).
    "if (req.headers['x-forwarded-host'] === 'localhost') next();",
    // Issue 14 FP 6: virtual-host routing with a default that rejects unknown hosts.
    `app.use(async (ctx, next) => {
  switch (ctx.hostname) {
    case 'api.example.com': return api(ctx, next);
    case 'www.example.com': return site(ctx, next);
    default: ctx.status = 404;
  }
});`,
    // Issue 14 FP 6: a Host validator that parses the Host in order to check it.
    `function hostCheck(req, res, next) {
  let hostname;
  try {
    hostname = new URL(\`http://\${req.headers.host}\`).hostname;
  } catch {
    return res.status(400).end();
  }
  if (!ALLOWED.includes(hostname)) return res.status(403).end();
  next();
}`,
    "const isAllowedHost = (req) => ALLOWED.has(new URL('http://' + req.headers.host).hostname);",
    // Membership test against an allowlist.
    'if (!allowed.includes(req.hostname)) res.sendStatus(421);',
    'if (!ALLOWED_HOSTS.has(req.headers.host)) res.sendStatus(421);',
    'const tenant = TENANTS[req.hostname];',
    // Logging is fine.
    'console.log(`request for https://${req.headers.host}${req.url}`);',
    'req.log.info({ url: `https://${req.hostname}/x` });',
    'logger.warn("bad host " + "https://" + ctx.host);',
    // A configured base URL.
    'res.redirect(`${process.env.PUBLIC_URL}/login`);',
    // Not a request receiver (heuristic).
    'const u = new URL(`https://${config.host}/x`);',
    // Host in a query string is not the URL's authority.
    'const link = `https://app.example.com/?from=${req.hostname}`;',
    // Other headers.
    'res.redirect(`https://${req.headers.referer}`);',
    // Comparisons with non-strings.
    'if (req.headers.host === undefined) res.sendStatus(400);',
    // Request URL parsing allowed by option.
    {
      code: 'const url = new URL(req.url, `http://${req.headers.host}`);',
      options: [{ allowRequestUrlParsing: true }],
    },
    // Equality checks off by option.
    { code: "if (req.hostname === 'localhost') next();", options: [{ checkEquality: false }] },
    // Shadowed receiver name in a non-handler: still matches by name (documented), but a different
    // property such as `req.path` is not Host-derived.
    'res.redirect(`https://app.example.com${req.path}`);',
  ],
  invalid: [
    {
      // A switch on the Host without a rejecting default routes unknown hosts somewhere.
      code: "function route(req, res) { switch (req.hostname) { case 'admin.localhost': return admin(req, res); default: return site(req, res); } }",
      errors: [{ messageId: 'hostEquality', line: 1, column: 36 }],
    },
    {
      // A URL built from the Host outside any check is still reported.
      code: "function link(req) { const base = new URL('http://' + req.headers.host); return base.origin + '/reset'; }",
      errors: [{ messageId: 'urlFromHost', line: 1, column: 43 }],
    },
    {
      code: 'const url = new URL(req.url, `http://${req.headers.host}`);',
      errors: [{ messageId: 'urlFromHost', line: 1, column: 30 }],
    },
    {
      code: "const url = new URL(`https://${req.get('host')}/reset?token=${token}`);",
      errors: [{ messageId: 'urlFromHost', line: 1, column: 21 }],
    },
    {
      // Concatenation with the protocol and X-Forwarded-Host.
      code: "const base = req.protocol + '://' + req.header('x-forwarded-host');",
      errors: [{ messageId: 'urlFromHost', line: 1, column: 14 }],
    },
    {
      // Tracked through a const and `.split(':')[0]`.
      code: "const host = req.headers['x-forwarded-host'] || req.headers.host;\nconst name = host.split(':')[0];\nres.json({ link: `https://${name}/verify` });",
      errors: [{ messageId: 'urlFromHost', line: 3, column: 18 }],
    },
    {
      code: 'res.redirect(301, `https://${req.hostname}${req.originalUrl}`);',
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 19 }],
    },
    {
      // Koa: ctx.origin embeds the Host.
      code: "ctx.redirect(ctx.origin + '/login');",
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 14 }],
    },
    {
      // Fastify reply.redirect(url, code) with request.host.
      code: 'reply.redirect(`https://${request.host}/new`, 308);',
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 16 }],
    },
    {
      code: "res.setHeader('Location', 'https://' + req.headers.host + '/');",
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 27 }],
    },
    {
      code: 'res.writeHead(302, { Location: `http://${req.headers.host}/login` });',
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 32 }],
    },
    {
      // Password-reset e-mail: the link is reported once as a URL, the body as e-mail content.
      code: `const link = \`https://\${req.get('host')}/reset/\${token}\`;
await transporter.sendMail({ to: user.email, subject: 'Reset', html: \`<a href="\${link}">Reset</a>\` });`,
      errors: [
        { messageId: 'urlFromHost', line: 1, column: 14 },
        { messageId: 'emailFromHost', line: 2, column: 70 },
      ],
    },
    {
      // Mail object without recipients, passed to send().
      code: 'mailer.send({ text: `Open https://${ctx.host}/invite` });',
      errors: [{ messageId: 'emailFromHost', line: 1, column: 21 }],
    },
    {
      code: "res.cookie('sid', id, { httpOnly: true, domain: req.hostname });",
      errors: [{ messageId: 'cookieDomainFromHost', line: 1, column: 49 }],
    },
    {
      code: "const { hostname } = ctx;\nctx.cookies.set('sid', id, { domain: hostname });",
      errors: [{ messageId: 'cookieDomainFromHost', line: 2, column: 38 }],
    },
    {
      code: "reply.setCookie('sid', id, { domain: '.' + request.hostname });",
      errors: [{ messageId: 'cookieDomainFromHost', line: 1, column: 38 }],
    },
    {
      // Authorization by Host.
      code: "if (req.hostname == 'localhost') next();",
      errors: [{ messageId: 'hostEquality', line: 1, column: 5, data: { value: 'localhost' } }],
    },
    {
      code: "const { host } = req.headers;\nconst isAdmin = host.toLowerCase() === 'admin.example.com';",
      errors: [{ messageId: 'hostEquality', line: 2, column: 17 }],
    },
    {
      code: "switch (ctx.hostname) { case 'admin.example.com': admin(ctx); break; default: site(ctx); }",
      errors: [{ messageId: 'hostEquality', line: 1, column: 9, data: { value: 'admin.example.com' } }],
    },
    {
      // Hono: c.req.header('host').
      code: "app.get('/', (c) => c.redirect(`https://${c.req.header('host')}/home`));",
      errors: [{ messageId: 'redirectFromHost', line: 1, column: 32 }],
    },
    {
      // Aliased imports do not matter: receivers are recognised by name.
      code: `import { default as exp } from 'express';
import * as http from 'node:http';
const { Router } = require('express');
const app = exp();
app.get('/a', (req, res) => res.location(\`//\${req.headers.host}/b\`).end());`,
      errors: [{ messageId: 'redirectFromHost', line: 5, column: 42 }],
    },
  ],
  typescript: {
    valid: [
      'const hosts: ReadonlySet<string> = new Set(["a.example.com"]);\nif (!hosts.has(req.hostname as string)) reject();',
    ],
    invalid: [
      {
        code: 'const host = req.headers.host as string;\nconst url = new URL(`https://${host!}/x` satisfies string);',
        errors: [{ messageId: 'urlFromHost', line: 2, column: 21 }],
      },
      {
        code: "function isLocal(req: { hostname: string }): boolean { return req.hostname === 'localhost'; }",
        errors: [{ messageId: 'hostEquality', line: 1, column: 63 }],
      },
    ],
  },
});
