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
  /**
   * Runs a hook; if it throws or rejects, answers through `answer` (endResponse before the app, setResponse after
   * it). A hook that returns no promise stays synchronous: yoga runs the next one in the same tick, where an async
   * wrapper cost every request a promise and a turn of the microtask queue per hook.
   */
  const safely =
    <A>(hook: string, run: (payload: A) => unknown, answer: (payload: A, response: Response) => void) =>
    (payload: A): Promise<void> | void => {
      const failed = (error: unknown) => answer(payload, fail(error, hook));
      try {
        const result = run(payload);
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
          return Promise.resolve(result).then(() => {}, failed);
        }
      } catch (error) {
        failed(error);
      }
    };
  const { onRequest, onResponse } = plugin;
  if (onRequest)
    guarded.onRequest = safely('onRequest', onRequest, (payload, response) => payload.endResponse(response));
  if (onResponse)
    guarded.onResponse = safely('onResponse', onResponse, (payload, response) => payload.setResponse(response));
  return { ...plugin, ...guarded };
}
