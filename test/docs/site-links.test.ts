/**
 * Checks the built site (docs/.vitepress/dist). VitePress already fails the build on dead page
 * links (ignoreDeadLinks: false); this test also checks what VitePress does not: that every
 * `#anchor` of an internal link exists on its target page — in particular every link to a result
 * code — and that absolute links into https://rebind-guard.dev (used by rule docs and by the
 * problem+json `type`) resolve to a built page. Every problem `type` URI that core sends and every
 * rule's `meta.docs.url` must name a page (and anchor) of the built site, and no built page links
 * to the public site's own domain where a relative link would do.
 *
 * Builds the site once when dist is missing or older than a hand-written page or a rule doc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { RESULT_CODES, toProblem } from '@rebind-guard/core';
import plugin from '@rebind-guard/eslint-plugin';
import { beforeAll, describe, expect, it } from 'vitest';
import { distRoot, docsRoot, handWrittenPages, hasDist, repoRoot } from './helpers.js';

const SITE = 'https://rebind-guard.dev';

function newestSource(): number {
  const files = [...handWrittenPages().map((page) => join(docsRoot, page)), join(docsRoot, '.vitepress/config.mts')];
  const ruleDocs = join(repoRoot, 'packages/eslint-plugin/docs/rules');
  if (existsSync(ruleDocs)) files.push(...readdirSync(ruleDocs).map((file) => join(ruleDocs, file)));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out;
}

/** The built file a site path resolves to under cleanUrls, or undefined. */
function resolvePage(sitePath: string): string | undefined {
  const clean = decodeURIComponent(sitePath).replace(/\/+$/, '');
  const candidates = clean === '' ? ['index.html'] : [`${clean}.html`, `${clean}/index.html`, clean];
  for (const candidate of candidates) {
    const file = join(distRoot, candidate);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

const idCache = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> {
  let ids = idCache.get(file);
  if (ids === undefined) {
    ids = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] ?? ''));
    idCache.set(file, ids);
  }
  return ids;
}

beforeAll(() => {
  if (!hasDist() || statSync(join(distRoot, 'index.html')).mtimeMs < newestSource()) {
    execFileSync('npm', ['run', 'docs:build', '-w', 'docs'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
  }
}, 320_000);

describe('built documentation site', () => {
  it('has a page with one anchor per result code', () => {
    const page = resolvePage('/reference/result-codes');
    expect(page).toBeDefined();
    const ids = idsOf(page ?? '');
    expect(RESULT_CODES.map((info) => info.code).filter((code) => !ids.has(code))).toEqual([]);
  });

  it('has a page for every rule and the API reference', () => {
    const rules = readdirSync(join(docsRoot, 'rules')).filter((file) => file.endsWith('.md'));
    for (const file of rules) expect(resolvePage(`/rules/${file.replace(/(index)?\.md$/, '')}`), file).toBeDefined();
    expect(resolvePage('/api/')).toBeDefined();
  });

  it('has an API index that describes every published package, the ESLint plugin and CLI included', () => {
    const html = readFileSync(resolvePage('/api/') ?? '', 'utf8');
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((match) =>
      (match[1] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    for (const name of ['core', 'express', 'koa', 'fastify', 'eslint-plugin', 'cli']) {
      const row = rows.find((text) => text.startsWith(`@rebind-guard/${name} `));
      expect(row, name).toBeDefined();
      expect((row ?? '').length, `${name} has a description`).toBeGreaterThan(`@rebind-guard/${name}`.length + 40);
    }
  });

  /** The built page and anchor a public-site URL names, or why it does not resolve. */
  function unresolved(url: string): string | undefined {
    const parsed = new URL(url);
    if (parsed.origin !== SITE) return `${url} is not on ${SITE}`;
    const page = resolvePage(parsed.pathname);
    if (page === undefined) return `${url}: no page`;
    const hash = decodeURIComponent(parsed.hash.slice(1));
    if (hash !== '' && !idsOf(page).has(hash)) return `${url}: no #${hash}`;
    return undefined;
  }

  it('every problem+json type URI resolves to a page and anchor of the built site', () => {
    const types = RESULT_CODES.map((info) => toProblem({ code: info.code }).type);
    expect(types.length).toBeGreaterThan(15);
    expect(types.map(unresolved).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it('every rule docs URL resolves to a page of the built site', () => {
    const urls = Object.entries(plugin.rules).map(([name, rule]) => ({ name, url: rule.meta.docs?.url }));
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter(({ url }) => url === undefined).map(({ name }) => name)).toEqual([]);
    expect(urls.map(({ url }) => unresolved(url ?? '')).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it('links between pages are relative, never to the public domain', () => {
    const absolute: string[] = [];
    for (const file of htmlFiles(distRoot)) {
      const html = readFileSync(file, 'utf8');
      for (const match of html.matchAll(/<a\s[^>]*href="(https?:\/\/[^"]+)"/g)) {
        if (new URL(match[1] ?? '').origin === SITE) absolute.push(`${relative(distRoot, file)} -> ${match[1] ?? ''}`);
      }
    }
    expect(absolute).toEqual([]);
  });

  it('every internal link and anchor resolves', () => {
    const broken: string[] = [];
    for (const file of htmlFiles(distRoot)) {
      const from = '/' + relative(distRoot, file).split('\\').join('/');
      const html = readFileSync(file, 'utf8');
      for (const match of html.matchAll(/<a\s[^>]*href="([^"]+)"/g)) {
        let href = (match[1] ?? '').replace(/&amp;/g, '&');
        if (/^https?:\/\//i.test(href)) {
          const url = new URL(href);
          if (url.origin === SITE) href = url.pathname + url.hash; // exact origin, never a prefix
        }
        if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue; // external
        const [pathPart = '', hash] = href.split('#');
        const target = pathPart === '' ? file : resolvePage(posix.resolve(posix.dirname(from), pathPart));
        if (target === undefined) {
          broken.push(`${from} -> ${href} (no page)`);
          continue;
        }
        if (hash !== undefined && hash !== '' && !idsOf(target).has(decodeURIComponent(hash))) {
          broken.push(`${from} -> ${href} (no #${hash})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
