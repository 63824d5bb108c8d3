/**
 * Shared HTTP helpers for tests (issue 15): start a server on a free loopback port, close it
 * (cutting open connections), and a raw `node:net` client that writes exact request bytes and
 * parses the answer itself, so no HTTP client can "fix" a request. `httpRequest` is the
 * `node:http` client for tests that want ordinary requests.
 *
 * Used by the cross-package tests under test/ and by packages' own tests through a relative import
 * (`'../../../test/helpers/http.js'`). Only loopback addresses are ever contacted.
 */
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import { connect, type Server as NetServer } from 'node:net';
import type { WebSocketServer } from 'ws';

/**
 * The port a listening server is bound to (e.g. Fastify's `app.server` after `app.listen`).
 *
 * @example
 * ```ts
 * await app.listen({ port: 0, host: '127.0.0.1' });
 * const port = portOf(app.server);
 * ```
 */
export function portOf(server: NetServer): number {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new TypeError('portOf: the server is not listening on TCP');
  return address.port;
}

/**
 * Listens on 127.0.0.1 on a free port and resolves with the port (HTTP/1, HTTP/2 or any `net`
 * server).
 *
 * @example
 * ```ts
 * const server = createServer(app);
 * const port = await listen(server);
 * ```
 */
export async function listen(server: NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return portOf(server);
}

/**
 * Closes a server (and its `ws` server) now, cutting open connections.
 *
 * @example
 * ```ts
 * afterAll(() => closeServer(server));
 * ```
 */
export function closeServer(server: Server, wss?: WebSocketServer): Promise<void> {
  return new Promise((resolve) => {
    for (const client of wss?.clients ?? []) client.terminate();
    wss?.close();
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

/** A test server listening on loopback: its port, and how to close it. */
export interface Served {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves a request listener — an Express app, `koa.callback()`, a plain handler — on 127.0.0.1 on
 * a free port. A listener that returns a promise (Koa's) is not awaited by `node:http`; it handles
 * its own errors.
 *
 * @example
 * ```ts
 * const served = await serve(new Koa().use(rebindGuard(options)).callback());
 * await rawRequest(served.port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
 * await served.close();
 * ```
 */
export async function serve(
  listener: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
): Promise<Served> {
  const server = http.createServer((req, res) => {
    void listener(req, res);
  });
  return { port: await listen(server), close: () => closeServer(server) };
}

/**
 * Starts a Fastify app on 127.0.0.1 on a free port.
 *
 * @example
 * ```ts
 * const served = await serveFastify(Fastify().register(rebindGuard, options));
 * ```
 */
export async function serveFastify(app: {
  listen(options: { port: number; host: string }): Promise<string>;
  readonly server: NetServer;
  close(): PromiseLike<undefined> | Promise<void>;
}): Promise<Served> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: portOf(app.server),
    close: async () => {
      await app.close();
    },
  };
}

/** A response as `rawRequest` read it off the socket. */
export interface RawResponse {
  /** e.g. `HTTP/1.1 403 Forbidden`; empty when the server closed without answering. */
  readonly statusLine: string;
  readonly status: number;
  /** Lower-case header names; repeated headers keep every value. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
  /** The problem+json `code`, or null when the body has none. */
  readonly code: string | null;
  /** The single value of a header, or null. */
  header(name: string): string | null;
}

function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (body.length < start + size + 2) return undefined;
    parts.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
}

function parseResponse(data: Buffer, complete: boolean): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) {
    if (!complete) return undefined;
    return makeResponse('', [], Buffer.alloc(0));
  }
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines.shift() ?? '';
  const headerPairs = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const rest = data.subarray(end + 4);
  if (status === 101 || status === 204 || status === 304) return makeResponse(statusLine, headerPairs, Buffer.alloc(0));
  const length = headerPairs.find(([name]) => name === 'content-length')?.[1];
  if (length !== undefined) {
    const size = Number(length);
    if (rest.length < size) return complete ? makeResponse(statusLine, headerPairs, rest) : undefined;
    return makeResponse(statusLine, headerPairs, rest.subarray(0, size));
  }
  if (headerPairs.some(([name, value]) => name === 'transfer-encoding' && /chunked/i.test(value))) {
    const body = dechunk(rest);
    if (body === undefined) return complete ? makeResponse(statusLine, headerPairs, rest) : undefined;
    return makeResponse(statusLine, headerPairs, body);
  }
  return complete ? makeResponse(statusLine, headerPairs, rest) : undefined;
}

function makeResponse(statusLine: string, pairs: [string, string][], body: Buffer): RawResponse {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of pairs) (headers[name] ??= []).push(value);
  const text = body.toString('utf8');
  let code: string | null = null;
  try {
    const parsed = JSON.parse(text) as { code?: unknown };
    if (typeof parsed.code === 'string') code = parsed.code;
  } catch {
    code = null;
  }
  return {
    statusLine,
    status: Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0),
    headers,
    body: text,
    code,
    header: (name) => headers[name.toLowerCase()]?.join(', ') ?? null,
  };
}

/**
 * Writes `bytes` verbatim to 127.0.0.1:`port` and resolves with the parsed response as soon as it
 * is complete (content-length, chunked, 101, or connection close), then destroys the socket.
 * Rejects when the connection fails before any byte arrives or after `timeoutMs`.
 *
 * @example
 * ```ts
 * const response = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: rebind.test\r\n\r\n');
 * expect([response.status, response.code]).toEqual([403, 'host_not_allowed']);
 * ```
 */
export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const finish = (complete: boolean): void => {
      if (settled) return;
      const response = parseResponse(Buffer.concat(chunks), complete);
      if (response === undefined) return;
      settled = true;
      socket.destroy();
      resolve(response);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish(false);
    });
    socket.on('end', () => {
      finish(true);
    });
    socket.on('close', () => {
      finish(true);
    });
    socket.on('error', (error) => {
      if (chunks.length > 0) finish(true);
      else if (!settled) {
        settled = true;
        reject(error);
      }
    });
    socket.setTimeout(timeoutMs, () => {
      if (!settled) {
        settled = true;
        socket.destroy();
        reject(new Error(`raw request timed out after ${timeoutMs} ms:\n${String(bytes)}`));
      }
    });
  });
}

/** The answer `httpRequest` resolves with. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Sends one request with `node:http` to 127.0.0.1:`port` (no keep-alive agent) and resolves with
 * the status, headers and body text. The `Host` header is `localhost` unless `headers` set one.
 *
 * @example
 * ```ts
 * const answer = await httpRequest(port, { authorization: `Bearer ${mintToken()}` }, '/items', 'POST');
 * expect(answer.status).toBe(200);
 * ```
 */
export function httpRequest(
  port: number,
  headers: http.OutgoingHttpHeaders = {},
  path = '/',
  method = 'GET',
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, headers: { host: 'localhost', ...headers }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
