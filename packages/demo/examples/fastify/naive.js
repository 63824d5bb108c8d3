// The same API as most local tools write it: no Host check, no Origin check, no token check. It
// trusts its network position ("only this machine can reach 127.0.0.1"), which is exactly what
// DNS rebinding defeats: after a rebind, a web page in the victim's browser is "this machine".
import Fastify from 'fastify';

export const AUDIENCE = 'api.example.com';

/** Creates the app; the caller listens. */
export async function createApp() {
  const app = Fastify();

  app.get('/protected', async () => ({ user: 'alice' }));

  app.post('/admin/delete', async () => ({ deleted: true }));

  return app;
}
