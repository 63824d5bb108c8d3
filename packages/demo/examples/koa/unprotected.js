// The example API, ported line by line from a Flask app with Bearer auth — including its mistakes.
// This is the "before" picture of the rebind-guard docs: do not copy it. The mistakes:
// - the origin check falls back to `referer.startsWith("https://app.example.com")`, which
//   `https://app.example.com.evil.test` passes;
// - the token is taken with `split(" ")[1]`, so `Bearer <token> anything` is accepted;
// - HS256 with a secret hard-coded in the source;
// - the host check reads one Host value only, so a second Host header, an absolute-form request
//   target or a proxy that picks another value all go unnoticed.
import Koa from 'koa';
import jwt from 'jsonwebtoken';

export const VALID_HOSTS = new Set(['api.example.com', 'staging.api.example.com']);
export const AUDIENCE = 'api.example.com';
export const SECRET_KEY = 'your-secret-key';

/** Creates the app; the caller listens. */
export function createApp() {
  const app = new Koa();

  // @app.before_request validate_host
  app.use(async (ctx, next) => {
    if (!VALID_HOSTS.has(ctx.host)) {
      ctx.status = 403;
      ctx.body = 'Host not allowed';
      return;
    }
    await next();
  });

  // @app.before_request require_auth_origin
  app.use(async (ctx, next) => {
    const allowedOrigins = new Set(['https://app.example.com']);
    const origin = ctx.get('Origin');
    const referer = ctx.get('Referer');
    if (['POST', 'PUT', 'DELETE'].includes(ctx.method)) {
      if (!allowedOrigins.has(origin) && (!referer || !referer.startsWith('https://app.example.com'))) {
        ctx.status = 403;
        ctx.body = 'Invalid origin or referer';
        return;
      }
    }
    const auth = ctx.get('Authorization');
    if (auth && !auth.startsWith('Bearer ')) {
      ctx.status = 401;
      ctx.body = 'Invalid authorization header format';
      return;
    }
    await next();
  });

  /** The body of the Flask view: returns the payload, or answers and returns undefined. */
  function decodeBearer(ctx) {
    const auth = ctx.get('Authorization');
    if (!auth || !auth.startsWith('Bearer ')) {
      ctx.status = 401;
      ctx.body = 'Missing or invalid token';
      return undefined;
    }
    const token = auth.split(' ')[1];
    try {
      return jwt.verify(token, SECRET_KEY, { algorithms: ['HS256'], audience: AUDIENCE });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) [ctx.status, ctx.body] = [401, 'Token expired'];
      else if (error instanceof Error && error.message.startsWith('jwt audience invalid'))
        [ctx.status, ctx.body] = [403, 'Invalid token audience'];
      else [ctx.status, ctx.body] = [401, 'Invalid token'];
      return undefined;
    }
  }

  // Routes: GET /protected and POST /admin/delete.
  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/protected') {
      const payload = decodeBearer(ctx);
      if (payload) ctx.body = { user: payload.sub };
    } else if (ctx.method === 'POST' && ctx.path === '/admin/delete') {
      const payload = decodeBearer(ctx);
      if (payload) ctx.body = { deleted: true, by: payload.sub };
    }
  });

  return app;
}
