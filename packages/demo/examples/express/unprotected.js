// The example API, ported line by line from a Flask app with Bearer auth — including its mistakes.
// This is the "before" picture of the rebind-guard docs: do not copy it. The mistakes:
// - the origin check falls back to `referer.startsWith("https://app.example.com")`, which
//   `https://app.example.com.evil.test` passes;
// - the token is taken with `split(" ")[1]`, so `Bearer <token> anything` is accepted;
// - HS256 with a secret hard-coded in the source;
// - the host check reads the first Host header only, so a second one, an absolute-form request
//   target or a proxy that picks another value all go unnoticed.
import express from 'express';
import jwt from 'jsonwebtoken';

export const VALID_HOSTS = new Set(['api.example.com', 'staging.api.example.com']);
export const AUDIENCE = 'api.example.com';
export const SECRET_KEY = 'your-secret-key';

/** Creates the app; the caller listens. */
export function createApp() {
  const app = express();

  // @app.before_request validate_host
  app.use((req, res, next) => {
    if (!VALID_HOSTS.has(req.headers.host)) {
      res.status(403).send('Host not allowed');
      return;
    }
    next();
  });

  // @app.before_request require_auth_origin
  app.use((req, res, next) => {
    const allowedOrigins = new Set(['https://app.example.com']);
    const origin = req.headers.origin;
    const referer = req.headers.referer;
    if (['POST', 'PUT', 'DELETE'].includes(req.method)) {
      if (!allowedOrigins.has(origin) && (!referer || !referer.startsWith('https://app.example.com'))) {
        res.status(403).send('Invalid origin or referer');
        return;
      }
    }
    const auth = req.headers.authorization;
    if (auth && !auth.startsWith('Bearer ')) {
      res.status(401).send('Invalid authorization header format');
      return;
    }
    next();
  });

  /** The body of the Flask view: returns the payload, or answers and returns undefined. */
  function decodeBearer(req, res) {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) {
      res.status(401).send('Missing or invalid token');
      return undefined;
    }
    const token = auth.split(' ')[1];
    try {
      return jwt.verify(token, SECRET_KEY, { algorithms: ['HS256'], audience: AUDIENCE });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) res.status(401).send('Token expired');
      else if (error instanceof Error && error.message.startsWith('jwt audience invalid'))
        res.status(403).send('Invalid token audience');
      else res.status(401).send('Invalid token');
      return undefined;
    }
  }

  app.get('/protected', (req, res) => {
    const payload = decodeBearer(req, res);
    if (payload) res.json({ user: payload.sub });
  });

  app.post('/admin/delete', (req, res) => {
    const payload = decodeBearer(req, res);
    if (payload) res.json({ deleted: true, by: payload.sub });
  });

  return app;
}
