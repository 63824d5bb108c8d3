/**
 * One benchmark server in its own process (issue #4), so the load generator (autocannon, in the
 * parent) and the server never share an event loop.
 *
 *   node bench/server.mjs <framework> <variant>     (forked by run.mjs; reports { port } over IPC)
 *
 * framework: express | koa | fastify
 * variant:   bare               the framework alone
 *            empty-hook         + one middleware / onRequest hook that does nothing: what the framework
 *                               charges for any hook, so guard vs empty-hook is the guard's own cost
 *            guard              + rebind-guard, Host + Origin checks only
 *            guard-jwt          + rebind-guard with HS256 Bearer auth (audience, issuer, exp), its
 *                               verified-token cache on (the default)
 *            guard-jwt-nocache  the same with `auth.cache: false`: every request checks the signature
 *            usual-jwt          + the framework's usual JWT middleware in its usual setup (a string
 *                               secret): express-jwt, koa-jwt, @fastify/jwt
 *            usual-jwt-key      express-jwt / koa-jwt with a prepared KeyObject secret, audience and
 *                               issuer (jsonwebtoken re-parses a string secret on every call)
 *            usual-jwt-cache    @fastify/jwt with fast-jwt's verified-token cache on, audience and
 *                               issuer (fast-jwt prepares its key once by itself)
 *
 * Every variant serves the same `GET /` answering `{"ok":true}` on 127.0.0.1 only. The secret,
 * audience and issuer come from the environment (BENCH_JWT_SECRET, BENCH_JWT_AUDIENCE,
 * BENCH_JWT_ISSUER) so the parent signs the token the servers accept.
 */
const [framework, variant] = process.argv.slice(2);
const secret = process.env.BENCH_JWT_SECRET ?? '';
const audience = process.env.BENCH_JWT_AUDIENCE ?? '';
const issuer = process.env.BENCH_JWT_ISSUER ?? '';

const HOSTS = ['localhost', '127.0.0.1'];
const ORIGINS = ['http://localhost:3000'];
const GUARDED = new Set(['guard', 'guard-jwt', 'guard-jwt-nocache']);
const guardOptions = () => ({
  hosts: HOSTS,
  origins: ORIGINS,
  ...(variant === 'guard'
    ? {}
    : {
        auth: {
          key: secret,
          algorithms: ['HS256'],
          audience,
          issuer,
          ...(variant === 'guard-jwt-nocache' ? { cache: false } : {}),
        },
      }),
});
const keyObjectSecret = async () => (await import('node:crypto')).createSecretKey(Buffer.from(secret, 'utf8'));

const BODY = { ok: true };

async function expressServer() {
  const { default: express } = await import('express');
  const app = express();
  if (GUARDED.has(variant)) {
    const { rebindGuard } = await import('@rebind-guard/express');
    app.use(rebindGuard(guardOptions()));
  } else if (variant === 'usual-jwt') {
    const { expressjwt } = await import('express-jwt');
    // eslint-disable-next-line @rebind-guard/require-jwt-verify-options -- the middleware's usual setup is what is measured
    app.use(expressjwt({ secret, algorithms: ['HS256'] }));
  } else if (variant === 'empty-hook') {
    app.use((_req, _res, next) => {
      next();
    });
  } else if (variant === 'usual-jwt-key') {
    const { expressjwt } = await import('express-jwt');
    app.use(expressjwt({ secret: await keyObjectSecret(), algorithms: ['HS256'], audience, issuer }));
  }
  app.get('/', (_req, res) => {
    res.json(BODY);
  });
  // express-jwt signals failures with next(err); answer 401 like the guard does.
  app.use((err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(typeof err?.status === 'number' ? err.status : 500).json({ error: String(err?.code ?? 'error') });
  });
  const { createServer } = await import('node:http');
  return createServer(app);
}

async function koaServer() {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  if (GUARDED.has(variant)) {
    const { rebindGuard } = await import('@rebind-guard/koa');
    app.use(rebindGuard(guardOptions()));
  } else if (variant === 'usual-jwt') {
    const { default: koaJwt } = await import('koa-jwt');
    // eslint-disable-next-line @rebind-guard/require-jwt-verify-options -- the middleware's usual setup is what is measured
    app.use(koaJwt({ secret, algorithms: ['HS256'] }));
  } else if (variant === 'empty-hook') {
    app.use((_ctx, next) => next());
  } else if (variant === 'usual-jwt-key') {
    const { default: koaJwt } = await import('koa-jwt');
    app.use(koaJwt({ secret: await keyObjectSecret(), algorithms: ['HS256'], audience, issuer }));
  }
  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/') ctx.body = BODY;
  });
  const { createServer } = await import('node:http');
  return createServer(app.callback());
}

async function fastifyServer() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  let routeOptions = {};
  if (GUARDED.has(variant)) {
    const { rebindGuard } = await import('@rebind-guard/fastify');
    await app.register(rebindGuard, guardOptions());
  } else if (variant === 'empty-hook') {
    app.addHook('onRequest', (_request, _reply, done) => {
      done();
    });
  } else if (variant === 'usual-jwt' || variant === 'usual-jwt-cache') {
    const { default: fastifyJwt } = await import('@fastify/jwt');
    // @fastify/jwt's verifier cache is off by default (fast-jwt `cache: false`): usual-jwt keeps it
    // that way, usual-jwt-cache turns it on (with audience and issuer checks, like the guard).
    const verify =
      variant === 'usual-jwt-cache' ? { verify: { cache: true, allowedAud: audience, allowedIss: issuer } } : {};
    await app.register(fastifyJwt, { secret, ...verify });
    routeOptions = {
      onRequest: async (request) => {
        await request.jwtVerify();
      },
    };
  }
  app.get('/', routeOptions, async () => BODY);
  await app.ready();
  return app.server;
}

const FACTORIES = { express: expressServer, koa: koaServer, fastify: fastifyServer };

async function main() {
  const factory = FACTORIES[framework];
  const known = [
    'bare',
    'empty-hook',
    'guard',
    'guard-jwt',
    'guard-jwt-nocache',
    'usual-jwt',
    framework === 'fastify' ? 'usual-jwt-cache' : 'usual-jwt-key',
  ];
  if (factory === undefined || !known.includes(variant)) {
    throw new Error(`usage: server.mjs <express|koa|fastify> <${known.join('|')}>, got ${framework} ${variant}`);
  }
  const server = await factory();
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  // The parent asks for this process's CPU time around each run: CPU per request is a cost
  // measure that stays meaningful when other processes compete for the cores.
  process.on('message', (message) => {
    if (message?.type === 'cpu') process.send?.({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
  });
  process.send?.({ type: 'ready', port, pid: process.pid });
  process.on('disconnect', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main().catch((error) => {
  process.send?.({
    type: 'error',
    message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
  });
  process.exitCode = 1;
  process.disconnect?.();
});
