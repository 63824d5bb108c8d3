/**
 * What came back and what it means: responses as report evidence, and the verdict of one probe
 * from its attack and control responses.
 *
 * @packageDocumentation
 */
import type { ProbeDefinition } from './battery.js';
import { ConnectionError, type RawOutcome, type RawRequest } from './http.js';
import { redactToken } from './tokens.js';
import type { RequestEvidence, ResponseEvidence, Verdict } from './types.js';

/** Answers that a state-changing route gives once an earlier request deleted or moved the resource. */
const GONE = new Set([404, 405, 410]);

/** The attack request as evidence, with any Bearer token shortened. */
export function redact(request: RawRequest): RequestEvidence {
  return {
    method: request.method,
    target: request.target,
    httpVersion: request.httpVersion,
    headers: request.headers.map(([name, value]) => {
      if (name.toLowerCase() !== 'authorization') return [name, value] as const;
      const match = /^(\S+)(\s+)(\S+)(.*)$/.exec(value);
      return match === null
        ? ([name, value] as const)
        : ([name, `${match[1] ?? ''}${match[2] ?? ''}${redactToken(match[3] ?? '')}${match[4] ?? ''}`] as const);
    }),
  };
}

/** A response (or the lack of one) as evidence. */
export function evidence(outcome: RawOutcome | ConnectionError): ResponseEvidence {
  if (outcome instanceof ConnectionError)
    return {
      status: null,
      reason: outcome.message,
      headers: {},
      bodyStart: '',
      outcome: 'connection-error',
      timeMs: 0,
    };
  if (outcome.kind !== 'response')
    return {
      status: null,
      reason: outcome.kind === 'closed' ? 'connection closed' : 'timed out',
      headers: {},
      bodyStart: '',
      outcome: outcome.kind,
      timeMs: outcome.timeMs,
    };
  const headers: Record<string, string> = {};
  for (const [name, value] of outcome.headers)
    headers[name] = name in headers ? `${headers[name] ?? ''}, ${value}` : value;
  return {
    status: outcome.status,
    reason: outcome.reason,
    headers,
    bodyStart: outcome.bodyStart,
    outcome: 'response',
    timeMs: outcome.timeMs,
  };
}

/** Whether the server let the request through: 2xx/3xx, or 101 for a WebSocket handshake. */
export const succeeded = (response: ResponseEvidence, upgrade: boolean): boolean =>
  response.status !== null && (upgrade ? response.status === 101 : response.status >= 200 && response.status < 400);

/** `404 Not Found`, or the reason there was no answer. */
export function describeStatus(response: ResponseEvidence): string {
  return response.status === null ? response.reason : `${response.status} ${response.reason}`.trim();
}

/**
 * Decides a probe from its attack and control responses. `stateChanging`: the route's method is
 * unsafe, its attacks went before its control, and earlier requests may have changed what it
 * answers, so an accepted attack stands on its own and a 404/405/410 proves nothing.
 */
export function decide(
  definition: Pick<ProbeDefinition, 'upgrade' | 'impact'>,
  attack: ResponseEvidence,
  control: ResponseEvidence | undefined,
  stateChanging = false,
): { verdict: Verdict; reason: string } {
  const upgrade = definition.upgrade === true;
  const noAnswer = attack.outcome === 'timeout' || attack.outcome === 'connection-error';
  const accepted = { verdict: 'accepted', reason: `answered ${describeStatus(attack)}: ${definition.impact}` } as const;
  if (stateChanging) {
    if (noAnswer) return { verdict: 'error', reason: `no answer: ${attack.reason}` };
    if (succeeded(attack, upgrade)) return accepted;
    if (attack.status !== null && GONE.has(attack.status)) {
      return {
        verdict: 'inconclusive',
        reason: `answered ${describeStatus(attack)}, which on a state-changing route can mean an earlier request already deleted or moved the resource, so it does not count as blocked`,
      };
    }
  }
  // A control that failed (or got no answer) makes the attack prove nothing, whatever it got.
  if (control !== undefined && !succeeded(control, upgrade)) {
    const got = control.status === null ? `no answer (${control.reason})` : describeStatus(control);
    return {
      verdict: 'inconclusive',
      reason: `the legitimate control request to the same route got ${got}${upgrade ? ' (no WebSocket endpoint here, or it needs --ws-path / --ws-protocol?)' : ''}, so this probe proves nothing here`,
    };
  }
  if (noAnswer) return { verdict: 'error', reason: `no answer: ${attack.reason}` };
  if (succeeded(attack, upgrade)) return accepted;
  return {
    verdict: 'blocked',
    reason: attack.status === null ? `refused: ${attack.reason}` : `refused with ${describeStatus(attack)}`,
  };
}
