// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import rebindGuard from '@rebind-guard/eslint-plugin';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'docs/.vitepress/cache/**',
      'docs/.vitepress/dist/**',
      'test/artifacts/**',
      '.reports/**',
      '**/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  // Dogfood: the repo lints itself with its own plugin's strictest config.
  rebindGuard.configs.strict,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.ts', 'scripts/*.mjs', '.ci/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', '**/*.test-d.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests build deliberately vulnerable apps and clients to attack them.
      '@rebind-guard/require-host-validation': 'off',
      '@rebind-guard/no-substring-origin-check': 'off',
      '@rebind-guard/no-manual-bearer-parsing': 'off',
      '@rebind-guard/no-untrusted-host-header': 'off',
      // The rule's own test-file detection is relative to the ESLint cwd, which is test/ here.
      '@rebind-guard/no-hardcoded-jwt-secret': 'off',
    },
  },
  {
    files: ['**/bench/**'],
    rules: { '@rebind-guard/no-hardcoded-jwt-secret': 'off' },
  },
  {
    // Core reads as a chain of named steps: no function grows past one screen (issue 15).
    files: ['packages/core/src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60 }] },
  },
);
