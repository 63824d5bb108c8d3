/**
 * `--json`: the report as one JSON document.
 *
 * @packageDocumentation
 */
import type { ProbeReport } from '../probe/types.js';

/** Serialises a report; the shape is {@link ProbeReport}. */
export function formatJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
