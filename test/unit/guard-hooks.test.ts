import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { guardHooks } from '../../src/server/plugins/guard.js';
import { recordingLogger } from '../helpers/test-app.js';

// A plugin that throws where nobody expected it: without the guard, @whatwg-node answers with the stack.
const throwing = (where: 'onRequest' | 'onResponse'): Plugin => ({
  [where]: () => {
    throw new Error('boom at /secret/path.ts:12');
  },
});

describe('guardHooks', () => {
  it.each(['onRequest', 'onResponse'] as const)(
    'answers a throwing %s with a bare JSON 500 and logs it safely',
    async (where) => {
      const log = recordingLogger();
      const yoga = createYoga({ schema, plugins: [guardHooks(throwing(where), log)] });
      const response = await yoga.fetch('http://x/graphql?query={__typename}');
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ detail: 'Internal Server Error' });
      expect(log.lines).toEqual([
        {
          level: 'error',
          fields: { error: 'Error', message: 'boom at /secret/path.ts:12' },
          message: `unexpected error in a server plugin (${where})`,
        },
      ]);
    },
  );

  it.each(['onRequest', 'onResponse'] as const)('answers a rejecting %s the same way', async (where) => {
    const log = recordingLogger();
    const rejecting: Plugin = { [where]: () => Promise.reject(new Error('later at /secret/path.ts:12')) };
    const yoga = createYoga({ schema, plugins: [guardHooks(rejecting, log)] });
    const response = await yoga.fetch('http://x/graphql?query={__typename}');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ detail: 'Internal Server Error' });
    expect(log.lines).toEqual([
      {
        level: 'error',
        fields: { error: 'Error', message: 'later at /secret/path.ts:12' },
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
