import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { guardHooks } from '../../src/server/plugins/guard.js';
import { recordingLogger } from '../helpers/test-app.js';

// A plugin that fails where nobody expected it: without the guard, @whatwg-node answers with the stack. It may
// throw at once, or return a promise that rejects later.
const failing = (where: 'onRequest' | 'onResponse', how: 'throws' | 'rejects'): Plugin => ({
  [where]: () => {
    const error = new Error(`boom at /secret/path.ts:12 (${how})`);
    if (how === 'rejects') return Promise.reject(error);
    throw error;
  },
});

describe('guardHooks', () => {
  it.each([
    ['onRequest', 'throws'],
    ['onResponse', 'throws'],
    ['onRequest', 'rejects'],
    ['onResponse', 'rejects'],
  ] as const)('answers a %s that %s with a bare JSON 500 and logs it safely', async (where, how) => {
    const log = recordingLogger();
    const yoga = createYoga({ schema, plugins: [guardHooks(failing(where, how), log)] });
    const response = await yoga.fetch('http://x/graphql?query={__typename}');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ detail: 'Internal Server Error' });
    expect(log.lines).toEqual([
      {
        level: 'error',
        fields: { error: 'Error', message: `boom at /secret/path.ts:12 (${how})` },
        message: `unexpected error in a server plugin (${where})`,
      },
    ]);
  });

  it('leaves a plugin that does not throw as it is', async () => {
    const yoga = createYoga({
      schema,
      plugins: [guardHooks({ onResponse: ({ response }) => response.headers.set('x-ok', '1') }, recordingLogger())],
    });
    const response = await yoga.fetch('http://x/graphql?query={__typename}');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ok')).toBe('1');
  });
});
