// The same API as most local tools write it: no Host check, no Origin check, no token check. It
// trusts its network position ("only this machine can reach 127.0.0.1"), which is exactly what
// DNS rebinding defeats: after a rebind, a web page in the victim's browser is "this machine".
import Koa from 'koa';

export const AUDIENCE = 'api.example.com';

/** Creates the app; the caller listens. */
export function createApp() {
  const app = new Koa();

  app.use((ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/protected') ctx.body = { user: 'alice' };
    else if (ctx.method === 'POST' && ctx.path === '/admin/delete') ctx.body = { deleted: true };
  });

  return app;
}
