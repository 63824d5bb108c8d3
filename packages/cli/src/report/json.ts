/**
 * `--json`: the report as one JSON document.
 *
 * @packageDocumentation
 */
import type { ProbeReport } from '../probe/types.js';

/**
 * Serialises a report as indented JSON with a trailing newline (what `--json` prints); the shape
 * is {@link ProbeReport}.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { formatJson, runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * await writeFile('rebind-guard.json', formatJson(report));
 * ```
 */
export function formatJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
