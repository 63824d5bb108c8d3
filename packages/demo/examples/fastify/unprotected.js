// The example API, ported line by line from a Flask app with Bearer auth — including its mistakes.
// This is the "before" picture of the rebind-guard docs: do not copy it. The mistakes:
// - the origin check falls back to `referer.startsWith("https://app.example.com")`, which
//   `https://app.example.com.evil.test` passes;
// - the token is taken with `split(" ")[1]`, so `Bearer <token> anything` is accepted;
// - HS256 with a secret hard-coded in the source;
// - the host check reads one Host value only, so a second Host header, an absolute-form request
//   target or a proxy that picks another value all go unnoticed.
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';

export const VALID_HOSTS = new Set(['api.example.com', 'staging.api.example.com']);
export const AUDIENCE = 'api.example.com';
export const SECRET_KEY = 'your-secret-key';

/** Creates the app; the caller listens. */
export async function createApp() {
  const app = Fastify();

  // @app.before_request validate_host
  app.addHook('onRequest', async (request, reply) => {
    if (!VALID_HOSTS.has(request.host)) return reply.code(403).send('Host not allowed');
    return undefined;
  });

  // @app.before_request require_auth_origin
  app.addHook('onRequest', async (request, reply) => {
    const allowedOrigins = new Set(['https://app.example.com']);
    const origin = request.headers.origin;
    const referer = request.headers.referer;
    if (['POST', 'PUT', 'DELETE'].includes(request.method)) {
      if (!allowedOrigins.has(origin) && (!referer || !referer.startsWith('https://app.example.com'))) {
        return reply.code(403).send('Invalid origin or referer');
      }
    }
    const auth = request.headers.authorization;
    if (auth && !auth.startsWith('Bearer ')) return reply.code(401).send('Invalid authorization header format');
    return undefined;
  });

  /** The body of the Flask view: returns the payload, or answers and returns undefined. */
  function decodeBearer(request, reply) {
    const auth = request.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) {
      reply.code(401).send('Missing or invalid token');
      return undefined;
    }
    const token = auth.split(' ')[1];
    try {
      return jwt.verify(token, SECRET_KEY, { algorithms: ['HS256'], audience: AUDIENCE });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) reply.code(401).send('Token expired');
      else if (error instanceof Error && error.message.startsWith('jwt audience invalid'))
        reply.code(403).send('Invalid token audience');
      else reply.code(401).send('Invalid token');
      return undefined;
    }
  }

  app.get('/protected', async (request, reply) => {
    const payload = decodeBearer(request, reply);
    return payload ? { user: payload.sub } : reply;
  });

  app.post('/admin/delete', async (request, reply) => {
    const payload = decodeBearer(request, reply);
    return payload ? { deleted: true, by: payload.sub } : reply;
  });

  return app;
}
