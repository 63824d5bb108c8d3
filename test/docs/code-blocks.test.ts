/**
 * Every ```ts block of the hand-written docs is type-checked against the built packages with the
 * repository's TypeScript. A block is a module of its own (imports at the top, top-level await
 * allowed). Blocks that are deliberately partial carry `<!-- skip-check: reason -->` right before
 * the fence. Blocks that augment modules (`declare module`) are checked in a program of their own,
 * so one page's claim types never leak into another page's examples.
 *
 * Packages the docs show but the repository does not depend on get a minimal ambient shim (only
 * when the real package is not installed); the shims describe the calls the docs make.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, handWrittenPages, repoRoot, type CodeBlock } from './helpers.js';

const run = promisify(execFile);
const workDir = join(repoRoot, 'test/artifacts/doc-blocks');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

const SHIMS: Record<string, string> = {
  'jwks-rsa': `declare module 'jwks-rsa' {
  interface SigningKey { kid: string; getPublicKey(): string }
  interface Options { jwksUri: string; cache?: boolean; cacheMaxEntries?: number; cacheMaxAge?: number; rateLimit?: boolean; jwksRequestsPerMinute?: number; timeout?: number }
  interface JwksClient { getSigningKey(kid?: string | null): Promise<SigningKey> }
  function jwksRsa(options: Options): JwksClient;
  export default jwksRsa;
}`,
  cors: `declare module 'cors' {
  import type { RequestHandler } from 'express';
  type OriginCallback = (error: Error | null, allow?: boolean) => void;
  interface CorsOptions { origin?: boolean | string | string[] | ((origin: string | undefined, callback: OriginCallback) => void); credentials?: boolean; methods?: string | string[]; allowedHeaders?: string | string[]; maxAge?: number }
  export default function cors(options?: CorsOptions): RequestHandler;
}`,
  '@fastify/cors': `declare module '@fastify/cors' {
  import type { FastifyPluginCallback } from 'fastify';
  type OriginCallback = (error: Error | null, allow: boolean) => void;
  interface FastifyCorsOptions { origin?: boolean | string | string[] | ((origin: string | undefined, callback: OriginCallback) => void); credentials?: boolean; methods?: string | string[]; maxAge?: number }
  const fastifyCors: FastifyPluginCallback<FastifyCorsOptions>;
  export default fastifyCors;
}`,
};

interface Prepared extends CodeBlock {
  readonly file: string;
  readonly group: string;
}

const blocks: Prepared[] = [];
const errors = new Map<string, string[]>();
const require = createRequire(join(repoRoot, 'test/package.json'));

function installed(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const pages = handWrittenPages();
let counter = 0;
/** A block whose first line is `// name.ts` is that file: other blocks of the page may import `./name.js`. */
const FILE_NAME = /^\/\/ ([a-z0-9-]+)\.ts\s*$/i;
for (const page of pages) {
  const pageGroup = `files_${page.replace(/\.md$/, '').replace(/[^a-z0-9]+/gi, '_')}`;
  for (const block of codeBlocks(page)) {
    if (block.lang !== 'ts' && block.lang !== 'typescript') continue;
    const isolated = /^\s*declare\s+(module|global)\b/m.test(block.code);
    const fileName = FILE_NAME.exec(block.code.split('\n')[0] ?? '')?.[1];
    const importsSibling = /from '\.\/[a-z0-9-]+\.js'/i.test(block.code);
    const name =
      fileName === undefined
        ? `${page.replace(/\.md$/, '').replace(/[^a-z0-9]+/gi, '_')}__L${block.line}.ts`
        : `${fileName}.ts`;
    const group = isolated ? `isolated_${counter++}` : fileName !== undefined || importsSibling ? pageGroup : 'shared';
    blocks.push({ ...block, file: join(workDir, group, name), group });
  }
}

beforeAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  const groups = new Map<string, Prepared[]>();
  for (const block of blocks) {
    if (block.skip) continue;
    groups.set(block.group, [...(groups.get(block.group) ?? []), block]);
  }
  const shims = Object.entries(SHIMS)
    .filter(([name]) => !installed(name))
    .map(([, text]) => text)
    .join('\n\n');
  await Promise.all(
    [...groups].map(async ([group, members]) => {
      const dir = join(workDir, group);
      mkdirSync(dir, { recursive: true });
      for (const block of members) {
        writeFileSync(block.file, `// docs/${block.page}:${block.line}\n${block.code}\nexport {};\n`);
      }
      writeFileSync(join(dir, 'shims.d.ts'), `${shims}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../../../tsconfig.base.json',
          compilerOptions: { noEmit: true, declaration: false, declarationMap: false, sourceMap: false, rootDir: '.' },
          include: ['*.ts'],
        }),
      );
      let output = '';
      try {
        await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
          cwd: dir,
          maxBuffer: 16 * 1024 * 1024,
        });
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
      }
      let last: string | undefined;
      for (const line of output.split('\n')) {
        if (/^\s+\S/.test(line) && last !== undefined) {
          const list = errors.get(last) ?? [];
          const index = list.length - 1;
          list[index] = `${list[index] ?? ''} ${line.trim()}`;
          continue;
        }
        const match = /^(.*?\.ts)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line.trim());
        if (match === null) {
          if (line.trim() !== '') errors.set(`${group}:general`, [...(errors.get(`${group}:general`) ?? []), line]);
          continue;
        }
        const file = join(dir, match[1]?.replace(/^.*[\\/]/, '') ?? '');
        const block = members.find((candidate) => candidate.file === file);
        // Line 1 of the generated file is the provenance comment.
        const where = block === undefined ? match[1] : `docs/${block.page}:${block.line + Number(match[2]) - 2}`;
        errors.set(file, [...(errors.get(file) ?? []), `${where}: ${match[4]}`]);
        last = file;
      }
    }),
  );
}, 180_000);

describe('TypeScript code blocks in the docs', () => {
  it('finds the code blocks (sanity check)', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect(pages).toContain('guide/why.md');
  });

  it('uses skip-check sparingly', () => {
    const skipped = blocks.filter((block) => block.skip);
    expect(skipped.length).toBeLessThanOrEqual(Math.ceil(blocks.length / 8));
  });

  it('has no compiler errors outside the blocks (shims, configuration)', () => {
    expect([...errors].filter(([key]) => key.endsWith(':general') || !blocks.some((b) => b.file === key))).toEqual([]);
  });

  it.each(blocks.filter((block) => !block.skip).map((block) => [`docs/${block.page}:${block.line}`, block] as const))(
    '%s type-checks',
    (_, block) => {
      expect(errors.get(block.file) ?? []).toEqual([]);
    },
  );
});
