/**
 * A loopback "flip proxy" that simulates a DNS rebind faithfully (issue #8).
 *
 * The browser resolves `rebind.test` to 127.0.0.1 (Chromium `--host-resolver-rules`) and connects
 * to this proxy's port. The first HTTP request the proxy receives gets the attacker's page, with
 * `Connection: close` so the browser cannot reuse that socket. From then on the name has "rebound":
 * every connection is piped byte for byte to the victim (raw TCP, Host header untouched), so the
 * victim sees exactly what it would see after a real rebind.
 *
 * The decision is made per connection, when its first bytes arrive (not when it is accepted), so a
 * socket the browser pre-opened before the flip is forwarded too.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { listen } from '../helpers/http.js';

export interface FlipProxy {
  readonly port: number;
  /** True once the attack page has been served (the name now points at the victim). */
  readonly flipped: () => boolean;
  /** Number of connections forwarded to the victim. */
  readonly forwarded: () => number;
  close(): Promise<void>;
}

const MAX_HEAD = 64 * 1024;

function servePage(socket: Socket, html: string): void {
  const body = Buffer.from(html, 'utf8');
  const head = [
    'HTTP/1.1 200 OK',
    'content-type: text/html; charset=utf-8',
    'cache-control: no-store',
    `content-length: ${body.length}`,
    'connection: close',
    '',
    '',
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

/** Starts a flip proxy on 127.0.0.1 (random port) in front of the victim on `victimPort`. */
export async function startFlipProxy(victimPort: number, attackPage: string): Promise<FlipProxy> {
  let flipped = false;
  let forwarded = 0;
  const sockets = new Set<Socket>();

  const forward = (client: Socket, firstChunk: Buffer): void => {
    forwarded += 1;
    const upstream = connect(victimPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.write(firstChunk);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      if (flipped) {
        client.off('data', onData);
        client.pause();
        forward(client, Buffer.concat([head, chunk]));
        return;
      }
      // Before the flip: read one request head and answer it with the attack page.
      head = Buffer.concat([head, chunk]);
      if (head.indexOf('\r\n\r\n') === -1) {
        if (head.length > MAX_HEAD) client.destroy();
        return;
      }
      client.off('data', onData);
      flipped = true;
      servePage(client, attackPage);
    };
    client.on('data', onData);
  });
  const port = await listen(server);

  return {
    port,
    flipped: () => flipped,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
