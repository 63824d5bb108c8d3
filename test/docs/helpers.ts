/**
 * Shared helpers of the documentation tests: where the docs are, which pages are hand-written,
 * and how code blocks are found.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const docsRoot = join(repoRoot, 'docs');
export const distRoot = join(docsRoot, '.vitepress/dist');

/** Folders of docs/ that are generated (rules, API) or not pages at all. */
const NOT_HAND_WRITTEN = new Set(['node_modules', '.vitepress', 'api', 'rules', 'scripts', 'public']);

/** Hand-written markdown pages of the site, as paths relative to docs/. */
export function handWrittenPages(): string[] {
  const pages: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!NOT_HAND_WRITTEN.has(name)) walk(path);
      } else if (name.endsWith('.md')) {
        pages.push(relative(docsRoot, path).split('\\').join('/'));
      }
    }
  };
  walk(docsRoot);
  return pages;
}

export interface CodeBlock {
  /** Page path relative to docs/. */
  readonly page: string;
  /** 1-based line of the first code line (after the fence). */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** Marked with `<!-- skip-check … -->` right before the fence. */
  readonly skip: boolean;
}

/** Fenced code blocks of a page (``` or ~~~ fences, info string's first word as language). */
export function codeBlocks(page: string): CodeBlock[] {
  const lines = readFileSync(join(docsRoot, page), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[index] ?? '');
    if (open === null) continue;
    const fence = open[2] ?? '```';
    const lang = (open[3] ?? '').toLowerCase();
    let previous = index - 1;
    while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous--;
    const skip = previous >= 0 && /^<!--\s*skip-check\b/.test((lines[previous] ?? '').trim());
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(fence)) body.push(lines[end++] ?? '');
    blocks.push({ page, line: index + 2, lang, code: body.join('\n'), skip });
    index = end;
  }
  return blocks;
}

/** `### \`name\`` headings of a page, in order. */
export function codeHeadings(page: string, level: number): string[] {
  const text = readFileSync(join(docsRoot, page), 'utf8');
  const hashes = '#'.repeat(level);
  const pattern = new RegExp(`^${hashes} \`([^\`]+)\``, 'gm');
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

export const hasDist = (): boolean => existsSync(join(distRoot, 'index.html'));
