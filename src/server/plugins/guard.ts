import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../core/index.js';
import { errorResponse } from '../../rest/index.js';

type Hooks = Pick<Plugin, 'onRequest' | 'onResponse'>;

/**
 * `guardHooks`: a server plugin whose `onRequest` or `onResponse` throws would reach @whatwg-node's last-resort
 * handler, which answers with the error's stack as the body. Wrapped by this, the exception is logged (without SQL
 * or stack) and answered as the REST shim's bare 500 instead. Each of our plugins catches what it expects; this is
 * the net under what nobody expected.
 */
export function guardHooks<P extends Plugin>(plugin: P, log: Logger): P {
  const guarded: Hooks = {};
  const fail = (error: unknown, hook: string) =>
    errorResponse(error, { log, unexpected: `unexpected error in a server plugin (${hook})` });
  /** Runs a hook; if it throws, answers through `answer` (endResponse before the app, setResponse after it). */
  const safely =
    <A>(hook: string, run: (payload: A) => unknown, answer: (payload: A, response: Response) => void) =>
    async (payload: A) => {
      try {
        await run(payload);
      } catch (error) {
        answer(payload, fail(error, hook));
      }
    };
  const { onRequest, onResponse } = plugin;
  if (onRequest)
    guarded.onRequest = safely('onRequest', onRequest, (payload, response) => payload.endResponse(response));
  if (onResponse)
    guarded.onResponse = safely('onResponse', onResponse, (payload, response) => payload.setResponse(response));
  return { ...plugin, ...guarded };
}
