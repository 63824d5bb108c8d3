/**
 * A byte-exact HTTP/1.x client over raw `node:net` / `node:tls` sockets. Node's own client refuses
 * to send the requests a probe needs (duplicate Host, HTTP/1.0 without Host, absolute-form targets),
 * so requests are serialised by hand and responses are parsed just far enough: status line,
 * headers and the first bytes of the body.
 *
 * @packageDocumentation
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where to open the connection. */
export interface Endpoint {
  /** Address to connect to (name or IP). */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** TLS server name (SNI); defaults to `host` when it is a name. */
  readonly servername?: string | undefined;
  /** Accept any TLS certificate (`--insecure`). */
  readonly insecure?: boolean | undefined;
}

/** One request, serialised exactly as given (header order and duplicates preserved). */
export interface RawRequest {
  readonly method: string;
  /** Request target: origin-form (`/path`) or absolute-form (`http://host/path`). */
  readonly target: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string | undefined;
}

/** What came back. `kind: 'closed'` means the server closed or reset the connection without answering. */
export type RawOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly reason: string;
      readonly httpVersion: string;
      readonly headers: readonly (readonly [string, string])[];
      /** The first bytes of the body (de-chunked when possible), latin1-decoded. */
      readonly bodyStart: string;
      readonly timeMs: number;
    }
  | { readonly kind: 'closed'; readonly timeMs: number }
  | { readonly kind: 'timeout'; readonly timeMs: number };

/**
 * A failure to reach the server at all: refused, unresolvable, unreachable, or connect timeout.
 * `code` is the underlying error code, e.g. `ECONNREFUSED`.
 *
 * @example
 * ```ts
 * import { ConnectionError, runProbe } from '@rebind-guard/cli';
 * try {
 *   await runProbe({ url: 'http://localhost:3000/' });
 * } catch (error) {
 *   if (error instanceof ConnectionError && error.code === 'ECONNREFUSED') console.error('is the server running?');
 * }
 * ```
 */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** How many body bytes are kept as evidence. */
export const BODY_EVIDENCE_BYTES = 512;

/** Serialises a request to the exact bytes sent. */
export function serialize(request: RawRequest): string {
  const lines = [`${request.method} ${request.target} HTTP/${request.httpVersion}`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
}

function dechunk(raw: string): string {
  let out = '';
  let rest = raw;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd === -1) return out;
    const size = Number.parseInt(rest.slice(0, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size <= 0) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    if (rest.length < lineEnd + 2 + size + 2) return out;
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

interface Parsed {
  status: number;
  reason: string;
  httpVersion: string;
  headers: [string, string][];
  bodyOffset: number;
}

function parseHead(data: string): Parsed | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = data.slice(0, end).split('\r\n');
  const match = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (match === null)
    return { status: 0, reason: 'unparseable status line', httpVersion: '', headers: [], bodyOffset: end + 4 };
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return {
    status: Number(match[2]),
    reason: match[3] ?? '',
    httpVersion: match[1] ?? '',
    headers,
    bodyOffset: end + 4,
  };
}

function isComplete(head: Parsed, body: string, method: string): boolean {
  if (head.status === 101 || head.status === 204 || head.status === 304 || method === 'HEAD') return true;
  if (body.length >= BODY_EVIDENCE_BYTES) return true;
  const get = (name: string): string | undefined => head.headers.find(([key]) => key === name)?.[1];
  const length = get('content-length');
  if (length !== undefined && /^\d+$/.test(length)) return body.length >= Number(length);
  if (get('transfer-encoding')?.toLowerCase().includes('chunked') === true)
    return body.startsWith('0\r\n') || body.includes('\r\n0\r\n');
  return false;
}

function openSocket(endpoint: Endpoint): Socket {
  if (!endpoint.tls) return netConnect({ host: endpoint.host, port: endpoint.port });
  const isIp = /^[\d.]+$|:/.test(endpoint.host);
  return tlsConnect({
    host: endpoint.host,
    port: endpoint.port,
    servername: endpoint.servername ?? (isIp ? undefined : endpoint.host),
    rejectUnauthorized: endpoint.insecure !== true,
  });
}

/** The response in `data` so far, or `undefined` while its head is incomplete. */
function responseOf(data: string, timeMs: number): RawOutcome | undefined {
  const head = parseHead(data);
  if (head === undefined) return undefined;
  const rawBody = data.slice(head.bodyOffset);
  const chunked = head.headers.some(
    ([key, value]) => key === 'transfer-encoding' && value.toLowerCase().includes('chunked'),
  );
  return {
    kind: 'response',
    status: head.status,
    reason: head.reason,
    httpVersion: head.httpVersion,
    headers: head.headers,
    bodyStart: (chunked ? dechunk(rawBody) : rawBody).slice(0, BODY_EVIDENCE_BYTES),
    timeMs,
  };
}

/** Why no connection could be opened, in words. */
function connectError(endpoint: Endpoint, error: NodeJS.ErrnoException): ConnectionError {
  const code = error.code ?? 'ECONNECT';
  const where = `${endpoint.host}:${endpoint.port}`;
  const message =
    code === 'ECONNREFUSED'
      ? `connection refused by ${where}: is the server running?`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve ${endpoint.host}`
        : `cannot connect to ${where}: ${error.message}`;
  return new ConnectionError(message, code);
}

/**
 * Sends one request on a fresh connection and reads the answer. Resolves with the response, or
 * `closed` / `timeout`; rejects with {@link ConnectionError} when no connection could be opened.
 */
export function sendRaw(endpoint: Endpoint, request: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve, reject) => {
    let data = '';
    let connected = false;
    let settled = false;
    const socket = openSocket(endpoint);
    const finish = (outcome: RawOutcome | ConnectionError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof ConnectionError) reject(outcome);
      else resolve(outcome);
    };
    const answer = (otherwise: 'closed' | 'timeout'): RawOutcome =>
      responseOf(data, elapsed()) ?? { kind: otherwise, timeMs: elapsed() };
    const timer = setTimeout(() => {
      if (connected) finish(answer('timeout'));
      else {
        const where = `${endpoint.host}:${endpoint.port}`;
        finish(new ConnectionError(`timed out after ${timeoutMs} ms connecting to ${where}`, 'ETIMEDOUT'));
      }
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.write(serialize(request), 'latin1');
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
      const head = parseHead(data);
      if (head !== undefined && isComplete(head, data.slice(head.bodyOffset), request.method)) finish(answer('closed'));
    });
    socket.on('end', () => {
      finish(answer('closed'));
    });
    socket.on('close', () => {
      finish(answer('closed'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(connected ? answer('closed') : connectError(endpoint, error));
    });
  });
}
