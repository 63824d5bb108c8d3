/**
 * Real-browser DNS rebinding and CSRF tests (issue #8).
 *
 * One headless Chromium for the file, a new context per test. For each adapter:
 * - rebinding: the attacker's page is loaded from `http://rebind.test:PROXY/`; the flip proxy
 *   serves it once and then pipes every connection to the victim unchanged. The unprotected twin
 *   leaks the secret, performs the POST and accepts the WebSocket; the guarded app answers 403.
 * - what the browser sent after the rebind is recorded at the victim and asserted: these are the
 *   facts the threat model in the docs is built on.
 * - legitimate use from `http://localhost:PORT/` (GET, same-origin POST, WebSocket) still works.
 * - CSRF: a page on another origin posts with `form.submit()` and a `no-cors` fetch; blocked with
 *   403 `origin_not_allowed` unless its origin is configured in `origins`.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeServer, listen } from '../helpers/http.js';
import { APP_HOST, ATTACKER_HOST, EVIL_HOST, launchChromium, skipReason, type LaunchedBrowser } from './browser.js';
import { startFlipProxy, type FlipProxy } from './flip-proxy.js';
import { FRAMEWORKS, PAGE_HTML, SECRET, startVictim, type Recorded, type Victim } from './victims.js';

interface CallResult {
  status: number;
  body: string;
  error?: string;
}

interface RunResult {
  origin: string;
  token: string | null;
  cookie: string;
  get: CallResult;
  post: CallResult;
  ws: { opened: boolean; message: string | null; timeout?: boolean };
}

const skip = skipReason();
if (skip !== undefined) console.warn(skip);

/** The CSRF page: posts to `target` with a no-cors fetch, then with a real form submission. */
const CSRF_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>csrf</title><link rel="icon" href="data:,"></head>
<body><script>
window.csrfFetch = async function (target) {
  try {
    const response = await fetch(target, { method: 'POST', mode: 'no-cors', body: 'via=fetch' });
    return { type: response.type, status: response.status };
  } catch (error) {
    return { type: 'error', status: 0, error: String(error) };
  }
};
window.csrfForm = function (target) {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = target;
  const input = document.createElement('input');
  input.name = 'via';
  input.value = 'form';
  form.appendChild(input);
  document.body.appendChild(form);
  form.submit();
};
</script></body></html>`;

function problemCode(entry: Recorded | undefined): string | undefined {
  if (entry === undefined || entry.body === '') return undefined;
  try {
    const parsed = JSON.parse(entry.body) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

function find(victim: Victim, kind: Recorded['kind'], method: string, path: string): Recorded[] {
  return victim.recorded.filter(
    (entry) => entry.kind === kind && entry.method === method && entry.url.split('?')[0] === path,
  );
}

function one(victim: Victim, kind: Recorded['kind'], method: string, path: string): Recorded {
  const entries = find(victim, kind, method, path);
  expect(entries, `${kind} ${method} ${path} recorded once`).toHaveLength(1);
  return entries[0]!;
}

describe.skipIf(skip !== undefined)('DNS rebinding and CSRF in a real Chromium', () => {
  let launched: LaunchedBrowser | undefined;
  // A browser that cannot start fails every test (loudly, with the reason) instead of skipping them.
  let launchError: Error | undefined;
  let pages: Server;
  let pagesPort: number;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    try {
      launched = await launchChromium();
    } catch (error) {
      launchError = error instanceof Error ? error : new Error(String(error));
    }
    // A second loopback server for the CSRF pages, reached as evil.test / app.test.
    pages = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(CSRF_HTML);
    });
    pagesPort = await listen(pages);
  });

  afterAll(async () => {
    await closeServer(pages);
    await launched?.close();
  });

  async function context(): Promise<{ ctx: BrowserContext; page: Page }> {
    if (launched === undefined) throw launchError ?? new Error('Chromium did not start.');
    const ctx = await launched.browser.newContext();
    cleanup.push(() => ctx.close());
    return { ctx, page: await ctx.newPage() };
  }

  async function victim(
    framework: (typeof FRAMEWORKS)[number],
    protect: boolean,
    extraOrigins: string[] = [],
  ): Promise<Victim> {
    const started = await startVictim({ framework, protect, extraOrigins });
    cleanup.push(() => started.close());
    return started;
  }

  async function proxy(target: Victim): Promise<FlipProxy> {
    const started = await startFlipProxy(target.port, PAGE_HTML);
    cleanup.push(() => started.close());
    return started;
  }

  /**
   * The victim's real user first uses the real origin: a Bearer token in its localStorage and a
   * cookie for `localhost`. Then the same browser visits the attacker's page and it rebinds.
   */
  async function rebindAttack(target: Victim): Promise<{ result: RunResult; flip: FlipProxy }> {
    const flip = await proxy(target);
    const { page } = await context();
    await page.goto(`http://localhost:${target.port}/`);
    await page.evaluate(
      "localStorage.setItem('token', 'real-origin-token'); document.cookie = 'session=real-origin-cookie; path=/'",
    );
    const before = target.recorded.length;
    await page.goto(`http://${ATTACKER_HOST}:${flip.port}/`);
    expect(flip.flipped(), 'the flip proxy served the attack page').toBe(true);
    // The attack page came from the attacker, not from the victim.
    expect(target.recorded.slice(before).filter((entry) => entry.url === '/')).toHaveLength(0);
    const result = await page.evaluate<RunResult>('run()');
    expect(result.origin).toBe(`http://${ATTACKER_HOST}:${flip.port}`);
    expect(flip.forwarded(), 'requests after the flip reached the victim through the proxy').toBeGreaterThan(0);
    return { result, flip };
  }

  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  describe.each(FRAMEWORKS)('%s', (framework) => {
    it('unprotected twin: the rebound page reads the secret, performs the POST and opens a WebSocket', async () => {
      const target = await victim(framework, false);
      const { result, flip } = await rebindAttack(target);

      expect(result.get.status).toBe(200);
      expect(result.get.body).toContain(SECRET);
      expect(result.post.status).toBe(200);
      expect(target.actions()).toBe(1);
      expect(result.ws).toMatchObject({ opened: true, message: 'hello' });

      // What the browser really sent after the rebind (the threat model the docs teach).
      const attacker = `${ATTACKER_HOST}:${flip.port}`;
      const get = one(target, 'request', 'GET', '/secret');
      expect(get.headers.host).toBe(attacker);
      expect(get.headers.origin).toBeUndefined();
      // Referer (default policy strict-origin-when-cross-origin, same origin: full URL) names the attacker too.
      expect(get.headers.referer).toBe(`http://${attacker}/`);
      expect(get.headers['sec-fetch-site']).toBeUndefined();
      expect(get.headers.authorization).toBeUndefined();
      expect(get.headers.cookie).toBeUndefined();
      const post = one(target, 'request', 'POST', '/action');
      expect(post.headers.host).toBe(attacker);
      expect(post.headers.origin).toBe(`http://${attacker}`);
      expect(post.headers['sec-fetch-site']).toBeUndefined();
      expect(post.headers.authorization).toBeUndefined();
      expect(post.headers.cookie).toBeUndefined();
      const upgrade = one(target, 'upgrade', 'GET', '/ws');
      expect(upgrade.headers.host).toBe(attacker);
      expect(upgrade.headers.origin).toBe(`http://${attacker}`);
      expect(upgrade.status).toBe(101);
      // The real origin's token and cookie are out of the attacker's reach.
      expect(result.token).toBeNull();
      expect(result.cookie).toBe('');
    });

    it('guarded: the rebound page gets 403 host_not_allowed for GET, POST and WebSocket and reads nothing', async () => {
      const target = await victim(framework, true);
      const { result, flip } = await rebindAttack(target);

      expect(result.get.status).toBe(403);
      expect(result.get.body).not.toContain(SECRET);
      expect(result.post.status).toBe(403);
      expect(target.actions()).toBe(0);
      expect(result.ws.opened).toBe(false);

      const attacker = `${ATTACKER_HOST}:${flip.port}`;
      const get = one(target, 'request', 'GET', '/secret');
      expect(get.headers.host).toBe(attacker);
      expect([get.status, problemCode(get)]).toEqual([403, 'host_not_allowed']);
      const post = one(target, 'request', 'POST', '/action');
      expect(post.headers.origin).toBe(`http://${attacker}`);
      expect([post.status, problemCode(post)]).toEqual([403, 'host_not_allowed']);
      const upgrades = find(target, 'upgrade', 'GET', '/ws');
      expect(upgrades.length).toBeGreaterThan(0);
      for (const upgrade of upgrades) expect([upgrade.status, problemCode(upgrade)]).toEqual([403, 'host_not_allowed']);
    });

    it('guarded: the same page loaded from http://localhost:PORT/ still works (GET, POST, WebSocket)', async () => {
      const target = await victim(framework, true);
      const { page } = await context();
      await page.goto(`http://localhost:${target.port}/`);
      const result = await page.evaluate<RunResult>('run()');

      expect(result.get.status).toBe(200);
      expect(result.get.body).toContain(SECRET);
      expect(result.post.status).toBe(200);
      expect(target.actions()).toBe(1);
      expect(result.ws).toMatchObject({ opened: true, message: 'hello' });

      const own = `localhost:${target.port}`;
      const get = one(target, 'request', 'GET', '/secret');
      expect(get.headers.host).toBe(own);
      expect(get.headers.origin).toBeUndefined();
      // localhost is a potentially trustworthy origin, so Fetch Metadata is sent here (and not to rebind.test).
      expect(get.headers['sec-fetch-site']).toBe('same-origin');
      const post = one(target, 'request', 'POST', '/action');
      expect(post.headers.origin).toBe(`http://${own}`);
      expect(post.status).toBe(200);
      const upgrade = one(target, 'upgrade', 'GET', '/ws');
      expect(upgrade.headers.origin).toBe(`http://${own}`);
      expect(upgrade.status).toBe(101);
    });

    it('CSRF: form.submit() and no-cors fetch from another origin get 403 origin_not_allowed; the configured origin passes', async () => {
      const allowed = `http://${APP_HOST}:${pagesPort}`;
      const evil = `http://${EVIL_HOST}:${pagesPort}`;
      const guarded = await victim(framework, true, [allowed]);
      const twin = await victim(framework, false);
      const { page } = await context();

      const csrf = async (pageOrigin: string, target: Victim): Promise<Recorded[]> => {
        const url = `http://localhost:${target.port}/action`;
        await page.goto(`${pageOrigin}/`);
        const fetched = await page.evaluate<{ type: string }>(`csrfFetch(${JSON.stringify(url)})`);
        expect(fetched.type).toBe('opaque');
        await vi.waitFor(() => {
          expect(
            find(target, 'request', 'POST', '/action').filter((entry) => entry.headers.origin === pageOrigin),
          ).toHaveLength(1);
        });
        await Promise.all([page.waitForURL(url), page.evaluate(`csrfForm(${JSON.stringify(url)})`)]);
        await vi.waitFor(() => {
          const posts = find(target, 'request', 'POST', '/action').filter(
            (entry) => entry.headers.origin === pageOrigin,
          );
          expect(posts).toHaveLength(2);
          for (const entry of posts) expect(entry.status).toBeDefined();
        });
        return find(target, 'request', 'POST', '/action').filter((entry) => entry.headers.origin === pageOrigin);
      };

      // The harness really attacks: the unprotected twin performs both forged POSTs.
      const forged = await csrf(evil, twin);
      expect(forged.map((entry) => entry.status)).toEqual([200, 200]);
      expect(twin.actions()).toBe(2);

      const blocked = await csrf(evil, guarded);
      expect(blocked.map((entry) => entry.headers['content-type'])).toEqual([
        expect.stringMatching(/^text\/plain/),
        'application/x-www-form-urlencoded',
      ]);
      expect(blocked.map((entry) => [entry.status, problemCode(entry)])).toEqual([
        [403, 'origin_not_allowed'],
        [403, 'origin_not_allowed'],
      ]);
      expect(blocked.every((entry) => entry.headers['sec-fetch-site'] === 'cross-site')).toBe(true);
      expect(guarded.actions()).toBe(0);

      const passed = await csrf(allowed, guarded);
      expect(passed.map((entry) => entry.status)).toEqual([200, 200]);
      expect(guarded.actions()).toBe(2);
    });
  });
});
