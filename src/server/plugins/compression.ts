import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Response as YogaResponse } from '@whatwg-node/fetch';
import type { Plugin } from 'graphql-yoga';

/** The pages and assets worth compressing: GraphiQL (a 9 MB page of inline script) and Swagger UI. */
const COMPRESSIBLE = /^(text\/html|text\/css|text\/javascript|application\/javascript)\b/;
/** Below this, compressing saves less than it costs. */
const MIN_BYTES = 8 * 1024;

/**
 * `useCompression`: the static pages and assets go out brotli- or gzip-compressed, as the client accepts, with an
 * ETag so a browser that has them already gets a 304. Their bodies never change while the process runs, so each is
 * compressed once and kept (a handful of entries); API answers (JSON) are small and left alone.
 */
export function useCompression(): Plugin {
  // On libuv's pool, not the event loop: the first GraphiQL page takes a while to compress.
  const compressing = new Map<string, Promise<{ br: Buffer; gzip: Buffer }>>();
  const compress = async (body: Buffer) => {
    const [br, gz] = await Promise.all([
      // Quality 9, not brotli's slow default 11: a few per cent larger, several times faster on a 9 MB page.
      promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
      promisify(gzip)(body, { level: 9 }),
    ]);
    return { br, gzip: gz };
  };
  return {
    async onResponse({ request, response, setResponse }) {
      if (request.method !== 'GET' || response.status !== 200) return;
      const type = response.headers.get('content-type') ?? '';
      if (!COMPRESSIBLE.test(type) || response.headers.has('content-encoding')) return;
      const body = Buffer.from(await response.arrayBuffer());
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const headers = new Headers(response.headers);
      headers.set('ETag', etag);
      headers.append('Vary', 'Accept-Encoding');
      if (request.headers.get('if-none-match') === etag) {
        headers.delete('content-length');
        setResponse(new YogaResponse(null, { status: 304, headers }));
        return;
      }
      const accepted = request.headers.get('accept-encoding') ?? '';
      const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
      if (encoding === null || body.byteLength < MIN_BYTES) {
        setResponse(new YogaResponse(new Uint8Array(body), { status: 200, headers }));
        return;
      }
      let pending = compressing.get(etag);
      if (!pending) {
        pending = compress(body);
        compressing.set(etag, pending);
      }
      const entry = await pending;
      headers.set('Content-Encoding', encoding);
      headers.delete('content-length');
      setResponse(new YogaResponse(new Uint8Array(entry[encoding]), { status: 200, headers }));
    },
  };
}
