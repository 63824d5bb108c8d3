// The plugin supports ESLint `^8.57 || ^9 || ^10` with flat config (issue 13). ESLint 8.57 and 9
// are installed as npm aliases (`eslint8`, `eslint9`); the repo itself lints with ESLint 10.
// Every major loads the built plugin the way a CommonJS project does, from an `eslint.config.cjs`
// that `require()`s it, and all three must report exactly the same findings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint as ESLint10 } from 'eslint';
import { ESLint as ESLint9 } from 'eslint9';
import plugin from '@rebind-guard/eslint-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface LintMessage {
  ruleId: string | null;
  messageId?: string;
  line: number;
  column: number;
  fatal?: boolean;
}

/** The part of the flat-config `ESLint` class (FlatESLint in ESLint 8.57) this test uses. */
interface FlatEngine {
  lintText(code: string, options: { filePath: string }): Promise<{ messages: LintMessage[] }[]>;
}
type FlatEngineClass = new (options: {
  cwd: string;
  overrideConfigFile: string | true;
  overrideConfig?: unknown;
}) => FlatEngine;

/** ESLint 8.57's own API (its `@types/eslint` predates `loadESLint`). */
interface ESLint8Module {
  ESLint: { version: string };
  loadESLint(options: { useFlatConfig: boolean }): Promise<FlatEngineClass>;
}

const vulnerable = `import express from 'express';
import cors from 'cors';
import jwt from 'jsonwebtoken';

const app = express();
app.use(cors({ origin: true, credentials: true }));

app.get('/me', (req, res) => {
  if (!/example\\.com/.test(req.headers.host)) return res.sendStatus(403);
  const claims = jwt.decode(req.headers.authorization.split(' ')[1]);
  res.json(claims);
});

app.post('/admin', (req, res) => {
  if (!req.headers.origin.startsWith('https://app.example.com')) return res.sendStatus(403);
  const token = req.headers.authorization.split(' ')[1];
  res.json(jwt.verify(token, 'hard-coded-secret', { algorithms: ['HS256', 'none'] }));
});

app.listen(3000);
`;

let dir = '';
let cjsConfig = '';
let ESLint8: FlatEngineClass;
let eslint8Version = '';

beforeAll(async () => {
  const eslint8 = (await import('eslint8')) as unknown as ESLint8Module;
  eslint8Version = eslint8.ESLint.version;
  ESLint8 = await eslint8.loadESLint({ useFlatConfig: true });
  dir = mkdtempSync(path.join(tmpdir(), 'rebind-guard-eslint-majors-'));
  // The plugin as a project that installed it resolves it (through its exports map, to dist).
  const id = createRequire(import.meta.url).resolve('@rebind-guard/eslint-plugin');
  cjsConfig = path.join(dir, 'eslint.config.cjs');
  writeFileSync(
    cjsConfig,
    `const rebindGuard = require(${JSON.stringify(id)});\nmodule.exports = [rebindGuard.configs.recommended];\n`,
  );
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function lint(
  Engine: FlatEngineClass,
  options: { overrideConfigFile: string | true; overrideConfig?: unknown },
): Promise<string[]> {
  const [result] = await new Engine({ cwd: dir, ...options }).lintText(vulnerable, {
    filePath: path.join(dir, 'src/server.js'),
  });
  const messages = result?.messages ?? [];
  expect(messages.filter((message) => message.fatal === true)).toEqual([]);
  return messages.map(
    (message) => `${message.line}:${message.column} ${message.ruleId ?? ''} ${message.messageId ?? ''}`,
  );
}

const engines = (): [string, FlatEngineClass][] => [
  ['ESLint 8.57', ESLint8],
  ['ESLint 9', ESLint9 as unknown as FlatEngineClass],
  ['ESLint 10', ESLint10 as unknown as FlatEngineClass],
];

describe('ESLint 8.57, 9 and 10 with configs.recommended from an eslint.config.cjs', () => {
  it('the aliases are the majors they claim to be', () => {
    expect(eslint8Version).toMatch(/^8\.57\./);
    expect(ESLint9.version).toMatch(/^9\./);
    expect(ESLint10.version).toMatch(/^10\./);
  });

  it('every major reports the same findings (rule, message, line and column)', async () => {
    const results = new Map<string, string[]>();
    for (const [name, Engine] of engines()) results.set(name, await lint(Engine, { overrideConfigFile: cjsConfig }));
    const reference = results.get('ESLint 10') ?? [];
    expect(new Set(reference.map((finding) => finding.split(' ')[1])), 'rules that fire on the sample').toEqual(
      new Set([
        '@rebind-guard/require-host-validation',
        '@rebind-guard/no-permissive-cors',
        '@rebind-guard/no-unanchored-host-regex',
        '@rebind-guard/no-jwt-decode-for-auth',
        '@rebind-guard/no-manual-bearer-parsing',
        '@rebind-guard/no-substring-origin-check',
        '@rebind-guard/no-hardcoded-jwt-secret',
        '@rebind-guard/require-jwt-verify-options',
        '@rebind-guard/no-jwt-none-algorithm',
      ]),
    );
    for (const [name, findings] of results) expect(findings, name).toEqual(reference);
  });

  it('ESLint 8.57 loads configs.strict (imported as ESM) and reports at least the recommended findings', async () => {
    const recommended = await lint(ESLint8, { overrideConfigFile: cjsConfig });
    const strict = await lint(ESLint8, { overrideConfigFile: true, overrideConfig: [plugin.configs.strict] });
    for (const finding of recommended) expect(strict).toContain(finding);
  });
});
