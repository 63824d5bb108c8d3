/**
 * One ESLint run in a fresh process (issue #5), so every run starts with a cold JIT and no
 * variant benefits from code warmed up by another.
 *
 *   node bench/lint-worker.mjs <variant> <corpusDir>
 *
 * variant: base              js.configs.recommended
 *          ours              + @rebind-guard/eslint-plugin configs.recommended
 *          security          + eslint-plugin-security configs.recommended
 *          ours-strict       @rebind-guard/eslint-plugin configs.strict alone (findings only, untimed)
 *
 * Prints one JSON line: { ok, variant, lintMs, cpuMs, loadMs, files, fatalFiles, messages, byRule, findings }
 * or { ok: false, error } when a plugin cannot be loaded. Never throws to the parent.
 */
import { performance } from 'node:perf_hooks';

const [variant = '', corpusDir = ''] = process.argv.slice(2);
const OURS = '@rebind-guard/';

function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function pluginConfig() {
  if (variant === 'base') return [];
  if (variant === 'ours' || variant === 'ours-strict') {
    const mod = await import('@rebind-guard/eslint-plugin');
    const plugin = mod.default ?? mod;
    const config = variant === 'ours' ? plugin?.configs?.recommended : plugin?.configs?.strict;
    if (config === undefined || typeof config !== 'object') {
      throw new Error(
        `@rebind-guard/eslint-plugin loaded but has no configs.${variant === 'ours' ? 'recommended' : 'strict'}`,
      );
    }
    return [config];
  }
  if (variant === 'security') {
    const mod = await import('eslint-plugin-security');
    const plugin = mod.default ?? mod;
    if (plugin?.configs?.recommended === undefined)
      throw new Error('eslint-plugin-security has no configs.recommended');
    return [plugin.configs.recommended];
  }
  throw new Error(`unknown variant ${JSON.stringify(variant)}`);
}

async function main() {
  const { ESLint } = await import('eslint');
  const { default: js } = await import('@eslint/js');
  const { default: globals } = await import('globals');

  const loadStart = performance.now();
  let extra;
  try {
    extra = await pluginConfig();
  } catch (error) {
    print({ ok: false, variant, stage: 'load', error: error instanceof Error ? error.message : String(error) });
    return;
  }
  const loadMs = performance.now() - loadStart;

  const overrideConfig = [
    {
      // The corpus is third-party code: its own eslint-disable comments must not hide findings.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      languageOptions: { ecmaVersion: 'latest', globals: { ...globals.node } },
    },
    // Files of CommonJS packages were copied under cjs/, ES modules under esm/ (see corpus.mjs).
    { files: ['cjs/**/*.js'], languageOptions: { sourceType: 'commonjs' } },
    // The findings run needs only our rules; leaving the core rules out halves its cost.
    ...(variant === 'ours-strict' ? [] : [js.configs.recommended]),
    ...extra,
  ];

  // ESLint 10 can lint on several threads; measure one thread so the numbers are comparable.
  const options = { cwd: corpusDir, overrideConfigFile: true, overrideConfig, cache: false, concurrency: 'off' };

  let results;
  const lintStart = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const eslint = new ESLint(options);
    results = await eslint.lintFiles(['.']);
  } catch (error) {
    print({
      ok: false,
      variant,
      stage: 'lint',
      error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
    });
    return;
  }
  const lintMs = performance.now() - lintStart;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  const byRule = {};
  const findings = [];
  let messages = 0;
  let fatalFiles = 0;
  for (const result of results) {
    if (result.messages.some((message) => message.fatal === true)) fatalFiles++;
    for (const message of result.messages) {
      messages++;
      const rule = message.ruleId ?? '(none)';
      byRule[rule] = (byRule[rule] ?? 0) + 1;
      if (rule.startsWith(OURS)) {
        findings.push({
          rule,
          file: result.filePath.slice(corpusDir.length + 1),
          line: message.line,
          column: message.column,
          message: message.message,
        });
      }
    }
  }
  print({ ok: true, variant, lintMs, cpuMs, loadMs, files: results.length, fatalFiles, messages, byRule, findings });
}

main().catch((error) => {
  print({ ok: false, variant, stage: 'worker', error: error instanceof Error ? error.message : String(error) });
});
