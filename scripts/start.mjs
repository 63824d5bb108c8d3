#!/usr/bin/env node
// `npm start`: starts a small API on loopback twice — unprotected and behind @rebind-guard/core —
// replays the requests a DNS-rebinding or CSRF attacker can make, and prints what each server did.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { createGuard, LOOPBACK_HOSTS, problemResponse } from '@rebind-guard/core';

function app(guard) {
  return createServer(async (req, res) => {
    if (guard) {
      const result = await guard.check({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        httpVersion: req.httpVersion,
      });
      if (!result.ok) {
        const { status, headers, body } = problemResponse(result);
        res.writeHead(status, headers).end(body);
        return;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.method === 'GET' ? { secret: 'wifi-password: hunter2' } : { deleted: true }));
  });
}

/** Sends raw bytes so that requests clients refuse to build (duplicate Host, HTTP/1.0) can be made. */
function raw(port, text) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text.replaceAll('\n', '\r\n')));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

const statusOf = (response) => /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? '???';
const codeOf = (response) => /"code":"([a-z_]+)"/.exec(response)?.[1] ?? '';

const probes = (port) => [
  ['legitimate GET from localhost', `GET / HTTP/1.1\nHost: localhost:${port}\nConnection: close\n\n`, true],
  ['rebinding: GET with attacker name in Host', `GET / HTTP/1.1\nHost: rebind.test:${port}\nConnection: close\n\n`, false],
  ['rebinding: same-origin POST (Origin = attacker)', `POST /delete HTTP/1.1\nHost: rebind.test:${port}\nOrigin: http://rebind.test:${port}\nContent-Length: 0\nConnection: close\n\n`, false],
  ['Host with userinfo trick', `GET / HTTP/1.1\nHost: evil.test@localhost:${port}\nConnection: close\n\n`, false],
  ['Host with path trick', `GET / HTTP/1.1\nHost: localhost/evil\nConnection: close\n\n`, false],
  ['duplicate Host headers', `GET / HTTP/1.1\nHost: localhost:${port}\nHost: rebind.test\nConnection: close\n\n`, false],
  ['HTTP/1.0 without Host', `GET / HTTP/1.0\n\n`, false],
  ['absolute-form target naming another host', `GET http://rebind.test/ HTTP/1.1\nHost: localhost:${port}\nConnection: close\n\n`, false],
  ['CSRF: POST from a foreign origin', `POST /delete HTTP/1.1\nHost: localhost:${port}\nOrigin: https://evil.example\nContent-Length: 0\nConnection: close\n\n`, false],
  ['CSRF: lookalike Referer (prefix trick)', `POST /delete HTTP/1.1\nHost: localhost:${port}\nReferer: http://localhost.evil.example:${port}/\nContent-Length: 0\nConnection: close\n\n`, false],
  ['CSRF: Origin: null (sandboxed iframe)', `POST /delete HTTP/1.1\nHost: localhost:${port}\nOrigin: null\nContent-Length: 0\nConnection: close\n\n`, false],
  ['same-origin POST from localhost', `POST /delete HTTP/1.1\nHost: localhost:${port}\nOrigin: http://localhost:${port}\nContent-Length: 0\nConnection: close\n\n`, true],
];

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

const guard = createGuard({ hosts: [...LOOPBACK_HOSTS] });
const open = app(undefined);
const guarded = app(guard);
const [openPort, guardedPort] = await Promise.all([listen(open), listen(guarded)]);

console.log('rebind-guard self-check: the same requests against an unprotected and a protected server on 127.0.0.1\n');
const rows = [];
let failures = 0;
for (const [index, [name, , legitimate]] of probes(0).entries()) {
  const before = await raw(openPort, probes(openPort)[index][1]);
  const after = await raw(guardedPort, probes(guardedPort)[index][1]);
  const blocked = !statusOf(after).startsWith('2');
  const verdict = legitimate ? (blocked ? 'BROKEN (legitimate request refused)' : 'passes, as it should') : blocked ? 'blocked' : 'NOT BLOCKED';
  if (legitimate === blocked) failures++;
  rows.push([name, statusOf(before), `${statusOf(after)} ${codeOf(after)}`.trim(), verdict]);
}
const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column].length), ['request', 'unprotected', 'rebind-guard', 'verdict'][column].length));
const line = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
console.log(line(['request', 'unprotected', 'rebind-guard', 'verdict']));
console.log(widths.map((width) => '-'.repeat(width)).join('  '));
for (const row of rows) console.log(line(row));
console.log(`\n${rows.length - failures} of ${rows.length} requests decided correctly.`);
open.close();
guarded.close();
process.exitCode = failures === 0 ? 0 : 1;
