import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

export interface RequestInfo {
  /** Quoted back in `X-Request-Id`, in 5xx bodies and in the log lines about the request. */
  readonly id: string;
  /** The caller's address: the socket's, or the first `X-Forwarded-For` entry when configured to trust it. */
  readonly ip: string;
}

/** Per-request facts computed once and read by the REST shim, the GraphQL context and the log. */
export interface RequestInfoStore {
  get(request: Request): RequestInfo;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface RequestInfoOptions {
  readonly trustForwardedFor: boolean;
}

/**
 * `useRequestInfo`: gives each request an id (a caller's own `X-Request-Id` when it looks like one, else a UUID)
 * and its client IP, and answers with the id in `X-Request-Id`.
 */
export function useRequestInfo(options: RequestInfoOptions): { plugin: Plugin; store: RequestInfoStore } {
  const infos = new WeakMap<Request, RequestInfo>();
  const compute = (request: Request, socketAddress: string | undefined): RequestInfo => {
    const incoming = request.headers.get('x-request-id');
    const forwarded = options.trustForwardedFor ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    return {
      id: incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID(),
      ip: forwarded || socketAddress || 'unknown',
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
