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
  const fail = (error: unknown, hook: string) => errorResponse(error, { log, unexpected: `unexpected error in a server plugin (${hook})` });
  const { onRequest, onResponse } = plugin;
  if (onRequest) {
    guarded.onRequest = async (payload) => {
      try {
        await onRequest(payload);
      } catch (error) {
        payload.endResponse(fail(error, 'onRequest'));
      }
    };
  }
  if (onResponse) {
    guarded.onResponse = async (payload) => {
      try {
        await onResponse(payload);
      } catch (error) {
        payload.setResponse(fail(error, 'onResponse'));
      }
    };
  }
  return { ...plugin, ...guarded };
}
