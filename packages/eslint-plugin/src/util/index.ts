/**
 * The plugin's util layer, one module per concern (as typescript-eslint and eslint-plugin-unicorn
 * organise theirs); rules import from here.
 *
 * - `imports`: import tracking, const resolution, static strings, globals, properties;
 * - `ast`: member names, method calls, functions, static booleans, nullish values, `process.env`;
 * - `regex`: static regular expressions and the host-pattern scanner;
 * - `fix`: suggestion fixers;
 * - `request-values`: request receivers, header reads, Origin / Host / Authorization values;
 * - `host-checks`: Host reads and hand-written Host allowlist checks;
 * - `app-frameworks`: Express / Koa / Fastify app creation;
 * - `jwt-apis`: the third-party JWT APIs; `rebind-guard-apis`: this project's APIs and the
 *   third-party Host checks (MCP SDK, host-validation);
 * - `prefilter`, `test-files`, `create-rule`: rule plumbing.
 *
 * @packageDocumentation
 */
export * from './app-frameworks.js';
export * from './ast.js';
export * from './create-rule.js';
export * from './fix.js';
export * from './host-checks.js';
export * from './imports.js';
export * from './jwt-apis.js';
export * from './prefilter.js';
export * from './rebind-guard-apis.js';
export * from './regex.js';
export * from './request-values.js';
export * from './test-files.js';
