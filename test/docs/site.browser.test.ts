/**
 * Headless Chromium over the built documentation site (docs/.vitepress/dist), served from a
 * loopback node:http server: the home page, a rule page and the result-codes page render without
 * console errors, a result-code anchor is reachable, and local search finds pages. At a 1280 px
 * laptop viewport no code block and no table of the home page, the quick starts, Configuration and
 * Result codes scrolls sideways, and no table shows an empty header row. Screenshots go to
 * test/artifacts/docs-*.png.
 *
 * Uses the e2e suite's Chromium launcher: skipped locally without Chromium, a failure in CI. Builds the site when dist is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipReason } from '../e2e/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distRoot, docsRoot, hasDist, repoRoot } from './helpers.js';
import { portOf } from '../helpers/http.js';

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
    const file = candidates.find(
      (candidate) => candidate.startsWith(distRoot) && existsSync(candidate) && statSync(candidate).isFile(),
    );
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
    if (!hasDist())
      execFileSync('npm', ['run', 'docs:build', '-w', 'docs'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
    mkdirSync(artifacts, { recursive: true });
    server = await serve();
    base = `http://127.0.0.1:${portOf(server)}`;
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
      if (response.status() >= 400)
        errors.push(`${path}: HTTP ${response.status()} for ${response.url().replace(base, '')}`);
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

  /** What MEASURE_LAYOUT reports about the page's code blocks and tables. */
  interface Layout {
    blocks: number;
    tables: number;
    wideBlocks: string[];
    wideTables: string[];
    emptyHeads: string[];
    pageScrolls: boolean;
  }

  /**
   * Runs in the page (a string: the test project has no DOM types). An element overflows when its
   * content is wider than its box (it scrolls sideways) or it sticks out of the content column.
   */
  const MEASURE_LAYOUT = `(() => {
    const column = document.querySelector('.vp-doc');
    const right = column === null ? Infinity : column.getBoundingClientRect().right + 1;
    const wide = (element) => element.scrollWidth - element.clientWidth > 1 || element.getBoundingClientRect().right > right;
    const first = (element) => (element.textContent || '').trim().split('\\n')[0].slice(0, 100);
    const blocks = [...document.querySelectorAll('.vp-doc div[class*="language-"] pre')];
    const tables = [...document.querySelectorAll('.vp-doc table')];
    const emptyHeads = tables.filter((table) => {
      const head = table.querySelector('thead');
      if (head === null || head.getBoundingClientRect().height === 0) return false;
      return [...head.querySelectorAll('th')].every((cell) => (cell.textContent || '').trim() === '');
    });
    return {
      blocks: blocks.length,
      tables: tables.length,
      wideBlocks: blocks.filter(wide).map(first),
      wideTables: tables.filter(wide).map(first),
      emptyHeads: emptyHeads.map(first),
      pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    };
  })()`;

  /** Pages a first-time user reads first; each must fit a 1280 px viewport without sideways scrolling. */
  const READ_FIRST = [
    '/',
    '/guide/express',
    '/guide/koa',
    '/guide/fastify',
    '/guide/tokens',
    '/reference/options',
    '/reference/result-codes',
  ];

  it.each(READ_FIRST)('%s fits 1280 px: no code block or table scrolls sideways, no empty header row', async (path) => {
    const page = await open(path);
    const layout = await page.evaluate<Layout>(MEASURE_LAYOUT);
    expect(layout.blocks + layout.tables, `${path} has code blocks or tables`).toBeGreaterThan(0);
    expect(layout.wideBlocks, `${path}: code blocks wider than the column`).toEqual([]);
    expect(layout.wideTables, `${path}: tables wider than the column`).toEqual([]);
    expect(layout.emptyHeads, `${path}: tables with an empty header row`).toEqual([]);
    expect(layout.pageScrolls).toBe(false);
    await page.screenshot({ path: join(artifacts, `docs-1280${path.replace(/\W+/g, '-')}.png`), fullPage: false });
    await page.close();
  });

  it('shows the hero image and an install command on the home page', async () => {
    const page = await open('/');
    const image = page.locator('.VPHero .image-src');
    await expect(image.isVisible()).resolves.toBe(true);
    expect(((await image.boundingBox())?.width ?? 0) > 200).toBe(true);
    await expect(page.locator('.vp-doc div[class*="language-sh"]').first().textContent()).resolves.toContain(
      'npm install',
    );
    await page.close();
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
