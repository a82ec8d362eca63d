import type { Plugin } from 'graphql-yoga';
import { InvalidRequestError, PayloadTooLargeError } from '../../core/index.js';
import { errorResponse } from '../../rest/index.js';

function tooLarge(maxBytes: number): Response {
  return errorResponse(new PayloadTooLargeError(maxBytes));
}

/**
 * `useBodyLimit`: refuses bodies over `maxBytes` with 413 before anything parses them. A declared Content-Length
 * decides at once; a body without one is counted on a copy of the stream, so the original is left for the parser.
 */
export function useBodyLimit(options: { maxBytes: number }): Plugin {
  const { maxBytes } = options;
  return {
    async onRequest({ request, endResponse }) {
      if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared) || Number(declared) > maxBytes) endResponse(tooLarge(maxBytes));
        return;
      }
      const reader = request.clone().body!.getReader();
      let total = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          total += value.byteLength;
          if (total > maxBytes) {
            await reader.cancel();
            endResponse(tooLarge(maxBytes));
            return;
          }
        }
      } catch {
        endResponse(errorResponse(new InvalidRequestError('The request body could not be read.')));
      }
    },
  };
}
