/**
 * Headless Chromium over the built documentation site (docs/.vitepress/dist), served from a
 * loopback node:http server: the home page, a rule page and the result-codes page render without
 * console errors, a result-code anchor is reachable, and local search finds pages. Screenshots go
 * to test/artifacts/docs-*.png.
 *
 * Uses the e2e suite's Chromium launcher: skipped locally without Chromium, a failure in CI. Builds the site when dist is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipReason } from '../e2e/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distRoot, docsRoot, hasDist, repoRoot } from './helpers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
};
const artifacts = join(repoRoot, 'test/artifacts');

/** Serves dist with VitePress cleanUrls semantics (/a/b -> a/b.html or a/b/index.html). */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
    const candidates = [join(distRoot, safe), join(distRoot, `${safe}.html`), join(distRoot, safe, 'index.html')];
    const file = candidates.find((candidate) => candidate.startsWith(distRoot) && existsSync(candidate) && statSync(candidate).isFile());
    if (file === undefined) {
      res.writeHead(404, { 'content-type': TYPES['.html'] }).end(readFileSync(join(distRoot, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

describe.skipIf(skipReason() !== undefined)('documentation site in headless Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let base: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!hasDist()) execFileSync('npm', ['run', 'docs:build', '-w', 'docs'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
    mkdirSync(artifacts, { recursive: true });
    server = await serve();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = (await launchChromium()).browser;
  }, 320_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => {
      if (server === undefined) resolve(undefined);
      else server.close(resolve);
    });
  });

  async function open(path: string): Promise<Page> {
    if (browser === undefined) throw new Error('Chromium did not start');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${path}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${path}: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${path}: HTTP ${response.status()} for ${response.url().replace(base, '')}`);
    });
    const response = await page.goto(base + path, { waitUntil: 'networkidle' });
    expect(response?.status(), path).toBe(200);
    return page;
  }

  it('renders the home page', async () => {
    const page = await open('/');
    await expect(page.locator('.VPHero .name').first().textContent()).resolves.toContain('rebind-guard');
    await page.screenshot({ path: join(artifacts, 'docs-home.png'), fullPage: true });
    await page.close();
  });

  it('renders a rule page generated from the plugin docs', async () => {
    const rule = readdirSync(join(docsRoot, 'rules')).find((file) => file !== 'index.md' && file.endsWith('.md'));
    expect(rule).toBeDefined();
    const name = (rule ?? '').slice(0, -3);
    const page = await open(`/rules/${name}`);
    await expect(page.locator('.vp-doc h1').first().textContent()).resolves.toContain(name);
    await page.screenshot({ path: join(artifacts, 'docs-rule.png'), fullPage: false });
    await page.close();
  });

  it('opens the result-codes page at a code anchor', async () => {
    const page = await open('/reference/result-codes#host_not_allowed');
    const heading = page.locator('h2#host_not_allowed');
    await expect(heading.isVisible()).resolves.toBe(true);
    const box = await heading.boundingBox();
    expect(box?.y ?? Infinity).toBeLessThan(400); // scrolled to the anchor
    await page.screenshot({ path: join(artifacts, 'docs-result-codes.png'), fullPage: false });
    await page.close();
  });

  it('finds pages with the local search', async () => {
    const page = await open('/guide/why');
    await page.locator('button.DocSearch-Button').first().click();
    const input = page.locator('#localsearch-input');
    await input.waitFor({ state: 'visible' });
    await input.fill('host_not_allowed');
    const results = page.locator('#localsearch-list li');
    await results.first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(await results.count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'docs-search.png'), fullPage: false });
    await page.close();
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
