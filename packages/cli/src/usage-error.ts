/**
 * `UsageError`: the one error class for bad command lines and bad options (exit code 2).
 *
 * @packageDocumentation
 */

/**
 * Bad options (exit code 2).
 *
 * @example
 * ```ts
 * import { runProbe, UsageError } from '@rebind-guard/cli';
 * try {
 *   await runProbe({ url: 'ftp://localhost/' });
 * } catch (error) {
 *   if (error instanceof UsageError) console.error(error.message); // says how to fix the option
 * }
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
