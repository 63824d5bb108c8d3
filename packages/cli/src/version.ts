/**
 * The package version, read from the one source of truth (src/ and dist/ both sit one level below
 * package.json).
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';

const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Version of `@rebind-guard/cli`, as in its package.json.
 *
 * @example
 * ```ts
 * import { VERSION } from '@rebind-guard/cli';
 * console.log(`rebind-guard ${VERSION}`);
 * ```
 */
export const VERSION: string = packageJson.version;
