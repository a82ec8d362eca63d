import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HeldRequest {
  /**
   * Resolves once the server has read the headers and handed the request to the app (Node answers `100 Continue`
   * just before it does), and the first part of the body is sent.
   */
  readonly accepted: Promise<void>;
  /** Whether any answer other than `100 Continue` has arrived: before `finish()`, it must not have. */
  answered(): boolean;
  /** Sends the rest of the body and resolves with the whole answer. */
  finish(): Promise<RawAnswer>;
}

/**
 * A request the server cannot answer until the test says so: `Content-Length` announces the whole body, but only
 * its first `sendFirst` bytes go out until `finish()`. Over its own connection, never a pooled one, so that closing
 * other connections cannot touch it.
 */
export function holdRequest(
  port: number,
  options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body: string; sendFirst: number },
): HeldRequest {
  const body = Buffer.from(options.body);
  if (options.sendFirst <= 0 || options.sendFirst >= body.length)
    throw new Error('sendFirst must leave bytes on both sides');
  let answered = false;
  const req = request({
    host: '127.0.0.1',
    port,
    method: options.method ?? 'POST',
    path: options.path,
    agent: false,
    headers: { ...options.headers, 'Content-Length': body.length, Expect: '100-continue' },
  });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.once('continue', () =>
      req.write(body.subarray(0, options.sendFirst), (error) => (error ? reject(error) : resolve())),
    );
  });
  // Either may fail before the test awaits it; the failure still reaches the test through the one it awaits.
  answer.catch(() => {});
  accepted.catch(() => {});
  req.flushHeaders();
  return {
    accepted,
    answered: () => answered,
    finish() {
      req.end(body.subarray(options.sendFirst));
      return answer;
    },
  };
}

/** Whether a new TCP connection to the port is refused (nothing listens), as opposed to accepted or reset. */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
