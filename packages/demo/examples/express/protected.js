// The same API protected by rebind-guard: one middleware replaces the hand-written host, origin
// and token checks (exact Host allowlist, exact origins, RFC 6750 Bearer parsing, JWT verification
// with algorithm, audience and expiry), and the secret comes from the environment.
import express from 'express';
import { rebindGuard } from '@rebind-guard/express';

export const HOSTS = ['api.example.com', 'staging.api.example.com'];
export const AUDIENCE = 'api.example.com';

/** Creates the app; the caller listens. `secret` defaults to the JWT_SECRET environment variable. */
export function createApp({ secret = process.env.JWT_SECRET } = {}) {
  if (!secret) throw new TypeError('createApp: pass { secret } or set JWT_SECRET.');
  const app = express();

  app.use(
    rebindGuard({
      hosts: HOSTS,
      origins: ['https://app.example.com'],
      auth: { key: secret, algorithms: ['HS256'], audience: AUDIENCE, issuer: false },
    }),
  );

  app.get('/protected', (req, res) => {
    res.json({ user: req.auth?.claims.sub });
  });

  app.post('/admin/delete', (req, res) => {
    res.json({ deleted: true, by: req.auth?.claims.sub });
  });

  return app;
}
