import { Response as YogaResponse } from '@whatwg-node/fetch';
import type { Plugin } from 'graphql-yoga';

/**
 * `useHead`: HEAD works wherever GET does. The request goes through every other plugin, the REST shim and yoga as
 * the GET it stands for, and the answer keeps its status and headers without the body. Goes first.
 */
export function useHead(): Plugin {
  const heads = new WeakSet<Request>();
  return {
    onRequest({ request, setRequest, fetchAPI }) {
      if (request.method !== 'HEAD') return;
      const asGet = new fetchAPI.Request(request.url, { method: 'GET', headers: request.headers });
      heads.add(asGet);
      setRequest(asGet);
    },
    onResponse({ request, response, setResponse }) {
      if (heads.has(request))
        setResponse(new YogaResponse(null, { status: response.status, headers: response.headers }));
    },
  };
}
