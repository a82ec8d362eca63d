import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { App } from './app.js';

const HEADERS_TOO_LARGE = JSON.stringify({ detail: 'Request Header Fields Too Large' });
const BAD_REQUEST = JSON.stringify({ detail: 'Bad Request' });

function answer(socket: Duplex, status: string, body: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The Node HTTP server around the app. Requests Node itself refuses before the app sees them (headers over its
 * 16 KiB limit, malformed HTTP) are answered in JSON too: 431 and 400.
 *
 * While `draining()` holds (a shutdown has begun), every answer carries `Connection: close` and its connection
 * closes after it: a balancer's pooled keep-alive connection is then never closed under a request it is sending.
 */
export function createHttpServer(app: App, options: { draining?: () => boolean } = {}): Server {
  const { draining } = options;
  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000 },
    draining
      ? (request, response) => {
          if (draining()) response.setHeader('Connection', 'close');
          return app(request, response);
        }
      : app,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'HPE_HEADER_OVERFLOW') answer(socket, '431 Request Header Fields Too Large', HEADERS_TOO_LARGE);
    else if (error.code === 'ECONNRESET') socket.destroy();
    else answer(socket, '400 Bad Request', BAD_REQUEST);
  });
  return server;
}
