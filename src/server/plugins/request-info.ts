import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Plugin } from 'graphql-yoga';
import proxyAddr from 'proxy-addr';

export interface RequestInfo {
  /** Quoted back in `X-Request-Id`, in 5xx bodies and in the log lines about the request. */
  readonly id: string;
  /** The caller's address: the socket's, or the right-most `X-Forwarded-For` entry not written by a trusted proxy. */
  readonly ip: string;
  /** When the request arrived (`performance.now()`), for its duration. */
  readonly startedAt: number;
  /** The route template that served it (`/api/v1/oauth/client/{client_id}`), once known: never a raw path. */
  route: string | null;
  /** The client its bearer token belongs to, once verified. */
  clientId: string | null;
}

/** Per-request facts computed once and read by the REST shim, the GraphQL context, the metrics and the log. */
export interface RequestInfoStore {
  get(request: Request): RequestInfo;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface RequestInfoOptions {
  /** `[security] trusted_proxies`: addresses, ranges and proxy-addr's names, or a number of hops; [] trusts none. */
  readonly trustedProxies: readonly string[] | number;
}

/**
 * `useRequestInfo`: gives each request an id (a caller's own `X-Request-Id` when it looks like one, else a UUID)
 * and its client IP, and answers with the id in `X-Request-Id`.
 *
 * The IP is what proxy-addr makes of the socket address and `X-Forwarded-For`: walking from the socket towards the
 * client, the first address not vouched for by a trusted proxy. Entries left of it were written by the client and
 * are never believed. Only a valid IP address counts; a malformed entry falls back to the nearest valid hop.
 */
export function useRequestInfo(options: RequestInfoOptions): { plugin: Plugin; store: RequestInfoStore } {
  const infos = new WeakMap<Request, RequestInfo>();
  const { trustedProxies } = options;
  const trust =
    typeof trustedProxies === 'number'
      ? (_address: string, hop: number) => hop < trustedProxies
      : trustedProxies.length > 0
        ? proxyAddr.compile([...trustedProxies])
        : () => false;
  const clientAddress = (request: Request, socketAddress: string | undefined): string => {
    const forwardedFor = request.headers.get('x-forwarded-for');
    const chain = proxyAddr.all(
      {
        socket: { remoteAddress: socketAddress },
        headers: forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor },
      } as never,
      trust,
    );
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = chain[i];
      if (address && isIP(address) !== 0) return address;
    }
    return 'unknown';
  };
  const compute = (request: Request, socketAddress: string | undefined): RequestInfo => {
    const incoming = request.headers.get('x-request-id');
    return {
      id: incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID(),
      ip: clientAddress(request, socketAddress),
      startedAt: performance.now(),
      route: null,
      clientId: null,
    };
  };
  const store: RequestInfoStore = {
    get(request) {
      let info = infos.get(request);
      if (!info) {
        info = compute(request, undefined);
        infos.set(request, info);
      }
      return info;
    },
  };
  const plugin: Plugin = {
    onRequest({ request, serverContext }) {
      const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req?.socket;
      infos.set(request, compute(request, socket?.remoteAddress));
    },
    onResponse({ request, response }) {
      response.headers.set('X-Request-Id', store.get(request).id);
    },
  };
  return { plugin, store };
}
