import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { DOCS_BASE_URL } from '../src/util/create-rule.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

const ruleFiles = readdirSync(path.join(root, 'src/rules'))
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

/** The subset of a JSON schema the checks walk. */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode | SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

interface RuleView {
  defaultOptions?: readonly unknown[];
  meta: {
    docs?: { description?: string; recommended?: boolean; strictOptions?: readonly unknown[]; url?: string };
    fixable?: unknown;
    hasSuggestions?: boolean;
    schema?: unknown;
    defaultOptions?: readonly unknown[];
    messages?: Record<string, string>;
  };
}

const rules = plugin.rules as unknown as Record<string, RuleView>;
const ruleNames = Object.keys(rules).sort();

function ruleOf(name: string): RuleView {
  const rule = rules[name];
  if (rule === undefined) throw new Error(`rule ${name} is not exported`);
  return rule;
}

function schemaObjects(rule: RuleView): SchemaNode[] {
  const schema = rule.meta.schema;
  if (!Array.isArray(schema)) throw new Error('meta.schema must be an array');
  return schema as SchemaNode[];
}

/** Every object schema (with `properties`) below `node`, including `node`. */
function objectSchemas(node: SchemaNode): SchemaNode[] {
  const found: SchemaNode[] = [];
  const visit = (current: SchemaNode): void => {
    if (current.properties !== undefined) found.push(current);
    for (const child of Object.values(current.properties ?? {})) visit(child);
    const items = current.items;
    if (Array.isArray(items)) items.forEach(visit);
    else if (items !== undefined) visit(items);
    for (const branch of [...(current.anyOf ?? []), ...(current.oneOf ?? [])]) visit(branch);
    if (typeof current.additionalProperties === 'object') visit(current.additionalProperties);
  };
  visit(node);
  return found;
}

function readDoc(name: string): string {
  return readFileSync(path.join(root, 'docs/rules', `${name}.md`), 'utf8');
}

/** Text of a `## Heading` section, up to the next `## ` heading. */
function section(doc: string, heading: string): string | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

describe('plugin object', () => {
  it('has meta equal to package.json', () => {
    expect(plugin.meta).toEqual({ name: packageJson.name, version: packageJson.version });
  });

  it('exports exactly the rule files in src/rules', () => {
    expect(ruleNames).toEqual(ruleFiles);
  });

  it('registers itself (the same object) in every config under @rebind-guard', () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      expect(config.plugins['@rebind-guard']).toBe(plugin);
    }
  });

  it('puts every rule in strict, with its strictOptions', () => {
    const expected = Object.fromEntries(
      ruleNames.map((name) => {
        const strictOptions = ruleOf(name).meta.docs?.strictOptions;
        return [
          `@rebind-guard/${name}`,
          strictOptions === undefined || strictOptions.length === 0 ? 'error' : ['error', ...strictOptions],
        ];
      }),
    );
    expect(plugin.configs.strict.rules).toEqual(expected);
  });

  it('puts exactly the docs.recommended rules in recommended, with default options', () => {
    const expected = Object.fromEntries(
      ruleNames
        .filter((name) => ruleOf(name).meta.docs?.recommended === true)
        .map((name) => [`@rebind-guard/${name}`, 'error']),
    );
    expect(plugin.configs.recommended.rules).toEqual(expected);
  });
});

describe.each(ruleFiles)('rule %s', (name) => {
  it('is exported, tested and documented', () => {
    expect(rules[name]).toBeDefined();
    expect(existsSync(path.join(root, 'test/rules', `${name}.test.ts`))).toBe(true);
    expect(existsSync(path.join(root, 'docs/rules', `${name}.md`))).toBe(true);
  });

  it('has well-formed meta', () => {
    const rule = ruleOf(name);
    const docs = rule.meta.docs;
    expect(docs?.description).toMatch(/^[A-Z`].*\.$/su);
    expect(docs?.url).toBe(`${DOCS_BASE_URL}/rules/${name}`);
    expect(docs?.url?.endsWith(name)).toBe(true);
    expect(rule.meta.fixable).toBeUndefined();
    expect(rule.meta.defaultOptions).toBeDefined();
    expect(Object.keys(rule.meta.messages ?? {}).length).toBeGreaterThan(0);
  });

  it('has a schema whose objects are closed and whose properties are described', () => {
    const rule = ruleOf(name);
    const schema = schemaObjects(rule);
    expect(schema.length).toBeLessThanOrEqual(1);
    for (const top of schema) {
      for (const object of objectSchemas(top)) {
        expect(object.additionalProperties).toBe(false);
        for (const [property, definition] of Object.entries(object.properties ?? {})) {
          expect(definition.description, `${name}: ${property}`).toMatch(/\S/u);
        }
      }
    }
  });

  it('has a doc with the description, examples and the required sections', () => {
    const rule = ruleOf(name);
    const doc = readDoc(name);
    const [header] = doc.split('<!-- end auto-generated rule header -->');
    expect(header, 'header marker').not.toBe(doc);
    expect(doc.startsWith(`# ${name}\n`)).toBe(true);
    expect(header?.split('\n')).toContain(rule.meta.docs?.description);
    for (const heading of [
      'Rule details',
      'Examples',
      'Options',
      'What this rule does not catch',
      'When Not To Use It',
    ]) {
      expect(section(doc, heading), `## ${heading}`).toBeDefined();
    }
    const examples = section(doc, 'Examples') ?? '';
    expect(examples).toMatch(/^### ❌.*\n+```(?:js|ts|javascript|typescript)\n/mu);
    expect(examples).toMatch(/^### ✅.*\n+```(?:js|ts|javascript|typescript)\n/mu);
  });

  it('documents every option (or says it has none)', () => {
    const rule = ruleOf(name);
    const options = section(readDoc(name), 'Options') ?? '';
    const properties = schemaObjects(rule).flatMap((top) => Object.keys(top.properties ?? {}));
    if (properties.length === 0) {
      expect(options).toContain('This rule has no options.');
    }
    for (const property of properties) {
      expect(options, `### ${property}`).toMatch(new RegExp(`^### \`?${property}\`?\\s*$`, 'mu'));
    }
  });
});

describe('built plugin through the ESLint Node API', () => {
  const dist = path.join(root, 'dist/index.js');

  it('lints with configs.recommended and reports a finding', async () => {
    if (!existsSync(dist))
      throw new Error('dist/index.js is missing: run `npm run build -w @rebind-guard/eslint-plugin` first');
    const built = (await import(/* @vite-ignore */ dist)) as { default: typeof plugin };
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        built.default.configs.recommended,
        { languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
      ],
    });
    const code = "import jwt from 'jsonwebtoken';\nexport const claims = (token, key) => jwt.verify(token, key);\n";
    const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src/example.js') });
    expect(result?.messages.map((message) => message.ruleId)).toContain('@rebind-guard/require-jwt-verify-options');
    expect(result?.messages.every((message) => message.fatal !== true)).toBe(true);
  });

  it('lints with configs.strict', async () => {
    if (!existsSync(dist)) throw new Error('dist/index.js is missing: run the build first');
    const built = (await import(/* @vite-ignore */ dist)) as { default: typeof plugin };
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [built.default.configs.strict] });
    const code =
      "import { jwtVerify } from 'jose';\nexport const check = (t, k) => jwtVerify(t, k, { algorithms: ['ES256'], audience: 'api' });\n";
    const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src/example.js') });
    expect(result?.messages.map((message) => message.messageId)).toEqual(['missingOptions']);
  });
});

describe('CommonJS: require() returns the plugin itself (issue 13)', () => {
  /**
   * Runs `script` as CommonJS in a child Node (require(esm), Node >= 20.19), from this package's
   * directory so that `@rebind-guard/eslint-plugin` resolves to the built package through its
   * exports map, the way an `eslint.config.cjs` resolves it. Prints JSON.
   */
  function commonJs(script: string): unknown {
    if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run the build first');
    const output = execFileSync(process.execPath, ['--no-warnings', '-e', script], { cwd: root, encoding: 'utf8' });
    return JSON.parse(output) as unknown;
  }

  it('has meta, rules and configs, and is the very object import() returns', () => {
    const seen = commonJs(`
      const plugin = require('@rebind-guard/eslint-plugin');
      import('@rebind-guard/eslint-plugin').then((esm) => {
        process.stdout.write(JSON.stringify({
          esModule: plugin.__esModule === true,
          name: plugin.meta?.name,
          rules: Object.keys(plugin.rules ?? {}).sort(),
          configs: Object.keys(plugin.configs ?? {}).sort(),
          sameAsImport: plugin === esm.default,
          registeredInConfigs: plugin.configs?.recommended?.plugins?.['@rebind-guard'] === plugin,
          defaultIsPlugin: plugin.default === plugin,
        }));
      });
    `);
    expect(seen).toEqual({
      esModule: false,
      name: packageJson.name,
      rules: ruleFiles,
      configs: ['recommended', 'strict'],
      sameAsImport: true,
      registeredInConfigs: true,
      defaultIsPlugin: true,
    });
  });

  it('an eslint.config.cjs that require()s the plugin lints with ESLint 10', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rebind-guard-cjs-config-'));
    try {
      const config = path.join(dir, 'eslint.config.cjs');
      // Resolved from this package, as a project that installed the plugin would resolve it.
      const id = createRequire(path.join(root, 'package.json')).resolve('@rebind-guard/eslint-plugin');
      writeFileSync(
        config,
        `const rebindGuard = require(${JSON.stringify(id)});\nmodule.exports = [rebindGuard.configs.recommended];\n`,
      );
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: config });
      const code = "import jwt from 'jsonwebtoken';\nexport const claims = (token, key) => jwt.verify(token, key);\n";
      const [result] = await eslint.lintText(code, { filePath: path.join(dir, 'server.js') });
      expect(result?.messages.map((message) => message.ruleId)).toEqual(['@rebind-guard/require-jwt-verify-options']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
