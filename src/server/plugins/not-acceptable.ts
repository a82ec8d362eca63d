import type { Plugin } from 'graphql-yoga';
import { NotAcceptableError } from '../../core/index.js';
import { errorResponse } from '../../rest/index.js';

/** The types yoga's result processors write a single result in (graphql-yoga's use-result-processor). */
const ANSWERABLE = [
  'application/graphql-response+json',
  'application/json',
  'multipart/mixed',
  'text/event-stream',
] as const;

const DETAIL = `Not Acceptable: GraphQL answers in ${ANSWERABLE.slice(0, -1).join(', ')} or ${ANSWERABLE.at(-1)}.`;

/**
 * `useNotAcceptable`: a GraphQL request whose Accept header allows none of the types yoga answers in gets a short
 * JSON 406 before it is parsed. yoga itself runs the operation first, a mutation included, and then answers 406
 * with an `accept` header that repeats its types once per type the request listed (12 KB of Accept made 358 KB of
 * headers). Accept is read exactly as yoga reads it, so the two never disagree about a request.
 */
export function useNotAcceptable(): Plugin {
  return {
    onRequestParse({ request, endResponse }) {
      if (!acceptsAnswerableType(request.headers.get('accept')))
        endResponse(errorResponse(new NotAcceptableError(DETAIL)));
    },
  };
}

/** yoga's reading: no header means anything, q-values are ignored, and a charset other than UTF-8 rules a type out. */
function acceptsAnswerableType(accept: string | null): boolean {
  for (const entry of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType = '', ...params] = entry.split(';');
    if ((params.find((param) => param.includes('charset=')) ?? 'charset=utf-8') !== 'charset=utf-8') continue;
    const [type, subtype] = mediaType.split('/');
    for (const answerable of ANSWERABLE) {
      const [answerableType, answerableSubtype] = answerable.split('/');
      if ((type === '*' || type === answerableType) && (subtype === '*' || subtype === answerableSubtype)) return true;
    }
  }
  return false;
}
