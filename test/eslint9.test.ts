// The plugin supports ESLint 9 and 10 (peerDependencies). The repo lints with ESLint 10; this runs
// the built plugin's flat configs through ESLint 9's Node API (npm alias `eslint9`).
import { ESLint as ESLint9 } from 'eslint9';
import { ESLint as ESLint10 } from 'eslint';
import plugin from '@rebind-guard/eslint-plugin';
import { describe, expect, it } from 'vitest';

const vulnerable = `
import express from 'express';
import jwt from 'jsonwebtoken';

const app = express();
app.post('/admin', (req, res) => {
  if (!req.headers.referer.startsWith('https://app.example.com')) return res.sendStatus(403);
  const token = req.headers.authorization.split(' ')[1];
  const claims = jwt.verify(token, 'hard-coded-secret', { algorithms: ['HS256', 'none'] });
  res.json(claims);
});
app.listen(3000);
`;

const expected = [
  '@rebind-guard/no-hardcoded-jwt-secret',
  '@rebind-guard/no-jwt-none-algorithm',
  '@rebind-guard/no-manual-bearer-parsing',
  '@rebind-guard/no-substring-origin-check',
  '@rebind-guard/require-host-validation',
  '@rebind-guard/require-jwt-verify-options',
];

async function ruleIds(
  ESLintClass: typeof ESLint10 | typeof ESLint9,
  config: 'recommended' | 'strict',
): Promise<string[]> {
  const eslint = new ESLintClass({
    overrideConfigFile: true,
    overrideConfig: [plugin.configs[config]] as never,
  });
  const [result] = await eslint.lintText(vulnerable, { filePath: 'src/server.js' });
  expect(result?.messages.filter((message) => message.fatal)).toEqual([]);
  return [...new Set(result?.messages.map((message) => message.ruleId ?? ''))].sort();
}

describe.each([
  ['ESLint 9', ESLint9],
  ['ESLint 10', ESLint10],
] as const)('%s', (_name, ESLintClass) => {
  it('reports the same findings with configs.recommended', async () => {
    expect(await ruleIds(ESLintClass, 'recommended')).toEqual(expected);
  });

  it('configs.strict loads and reports at least as much', async () => {
    const ids = await ruleIds(ESLintClass, 'strict');
    for (const id of expected) expect(ids).toContain(id);
  });
});
