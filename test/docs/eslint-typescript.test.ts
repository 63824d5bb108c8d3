/**
 * The "With TypeScript" ESLint config of the rules page (docs/scripts/rules-index.md, also in the
 * plugin README) lints `.ts` files: saved as `eslint.config.js` in a fresh ES module project next
 * to a TypeScript file with an `alg: none` verification, ESLint (the repository's, the way
 * `npx eslint .` runs) reports it. The plain config of the same page, by contrast, never looks at
 * the `.ts` file — the silent skip the section warns about.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { codeBlocks, docsRoot, repoRoot } from './helpers.js';

const TEMPLATE = 'scripts/rules-index.md'; // relative to docs/, as codeBlocks expects
const SOURCE = `import jwt from 'jsonwebtoken';

export function verify(token: string, key: string): unknown {
  return jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
}
`;

function configBlocks(): string[] {
  return codeBlocks(TEMPLATE)
    .filter((block) => block.lang === 'js' && block.code.startsWith('// eslint.config.js'))
    .map((block) => block.code);
}

async function lint(name: string, config: string): Promise<ESLint.LintResult[]> {
  const dir = join(repoRoot, 'test/artifacts/eslint-typescript', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lint-me', type: 'module' }));
  writeFileSync(join(dir, 'eslint.config.js'), config);
  writeFileSync(join(dir, 'auth.ts'), SOURCE);
  return new ESLint({ cwd: dir }).lintFiles(['.']);
}

describe('the ESLint config "With TypeScript"', () => {
  it('is on the rules page and, word for word, in the plugin README', () => {
    const typed = configBlocks().find((code) => code.includes('typescript-eslint'));
    expect(typed).toBeDefined();
    const readme = readFileSync(join(repoRoot, 'packages/eslint-plugin/README.md'), 'utf8');
    expect(readme).toContain(typed ?? '');
    expect(readFileSync(join(docsRoot, 'scripts/rules-index.md'), 'utf8')).toContain('## With TypeScript');
  });

  it('lints .ts files and reports the mistake', async () => {
    const typed = configBlocks().find((code) => code.includes('typescript-eslint')) ?? '';
    const results = await lint('typed', typed);
    expect(results.map((result) => result.filePath.split(/[\\/]/).pop())).toContain('auth.ts');
    const messages = results.flatMap((result) => result.messages);
    expect(messages.filter((message) => message.fatal === true)).toEqual([]);
    expect(messages.map((message) => message.ruleId)).toContain('@rebind-guard/no-jwt-none-algorithm');
  });

  it('is needed: the plain config does not lint the .ts file at all', async () => {
    const plain = configBlocks().find((code) => !code.includes('typescript-eslint')) ?? '';
    expect(plain).toContain('rebindGuard.configs.recommended');
    const results = await lint('plain', plain);
    expect(results.map((result) => result.filePath.split(/[\\/]/).pop())).not.toContain('auth.ts');
  });
});
