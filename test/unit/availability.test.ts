import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/core/index.js';

// A database that accepts the connection and never answers: pg gives up after connectionTimeoutMillis.
let blackHole: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  blackHole = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
});

describe('isDatabaseUnavailable', () => {
  it("counts pg's connection timeout as the database being away (a 503), not as a bug (a 500)", async () => {
    const { port } = blackHole.address() as { port: number };
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: 100 });
    const error = await client.connect().then(
      () => null,
      (failure: unknown) => failure,
    );
    expect((error as Error).message).toBe('timeout expired');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('does not count an ordinary error', () => {
    expect(isDatabaseUnavailable(new Error('timeout expired while parsing'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
