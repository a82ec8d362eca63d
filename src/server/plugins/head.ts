import { Response as YogaResponse } from '@whatwg-node/fetch';
import type { Plugin } from 'graphql-yoga';

/**
 * `useHead`: HEAD works wherever GET does. The request goes through every other plugin, the REST shim and yoga as
 * the GET it stands for, and the answer keeps its status and headers without the body. `first` goes before every
 * plugin, `last` after them all, so that what they do to the answer (ETags, compression) is what HEAD reports.
 */
export function useHead(): { first: Plugin; last: Plugin } {
  const heads = new WeakSet<Request>();
  return {
    first: {
      onRequest({ request, setRequest, fetchAPI }) {
        if (request.method !== 'HEAD') return;
        const asGet = new fetchAPI.Request(request.url, { method: 'GET', headers: request.headers });
        heads.add(asGet);
        setRequest(asGet);
      },
    },
    last: {
      onResponse({ request, response, setResponse }) {
        if (heads.has(request))
          setResponse(new YogaResponse(null, { status: response.status, headers: response.headers }));
      },
    },
  };
}
