import { STATUS_CODES } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { json } from '../../rest/index.js';

/** Not carried over: the old body's framing, and what yoga copied from the request (its 406 echoes Accept). */
const DROPPED = new Set(['accept', 'content-length', 'content-type']);

/**
 * `useJsonErrors`: every error the server sends is JSON with a `detail`, as the REST shim's are. yoga answers some
 * errors with no body and no Content-Type (415 for a body it cannot parse, and any 404 or 406 the plugins before
 * this one let through): those become `{"detail": "<reason phrase>"}`, keeping the other headers (Allow,
 * X-Request-Id, CORS, security headers). Goes last, so it sees every header the others set.
 */
export function useJsonErrors(): Plugin {
  return {
    onResponse({ response, setResponse }) {
      if (response.status < 400 || response.headers.has('content-type')) return;
      const kept: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!DROPPED.has(name)) kept[name] = value;
      });
      setResponse(json(response.status, { detail: STATUS_CODES[response.status] ?? 'Error' }, kept));
    },
  };
}
