import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bearer, graphql } from '../helpers/oauth.js';
import { startHttpTestApp } from '../helpers/http-app.js';
import { ISSUER, ROOT, startTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

describe('GraphQL limits', () => {
  it('refuses array batching', async () => {
    const response = await t.app.fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { clientId } }' }, { query: '{ viewer { clientId } }' }]),
    });
    expect(response.status).toBe(400);
    expect((await response.json()) as unknown).toMatchObject({
      errors: [{ message: expect.stringContaining('Batching is not supported') }],
    });
  });

  it('allows one issueToken per document, whatever the aliases', async () => {
    const { body } = await graphql(
      t.app,
      `mutation { a: issueToken(clientId: "${ROOT.clientId}", clientSecret: "x") { scope } b: issueToken(clientId: "${ROOT.clientId}", clientSecret: "y") { scope } }`,
    );
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'At most one issueToken per request.',
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
    expect(body.data).toBeUndefined();
  });

  it('refuses documents too deep, too aliased or too long, and lets ordinary ones through', async () => {
    const ordinary = '{ policies { items { rules { targets { key } } } } }';
    expect((await graphql(t.app, ordinary, {}, bearer(t.root))).body.errors).toBeUndefined();

    const tooDeep = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(8)}name${' }'.repeat(12)}`;
    expect((await graphql(t.app, tooDeep)).body.errors?.[0]).toMatchObject({
      message: 'Syntax Error: Query depth limit of 10 exceeded, found 12.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });

    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { clientId }`).join(' ')} }`;
    expect((await graphql(t.app, aliases)).body.errors?.[0]?.message).toBe(
      'Syntax Error: Aliases limit of 15 exceeded, found 16.',
    );

    const long = `{ ${Array.from({ length: 2100 }, () => '__typename').join(' ')} }`;
    expect((await graphql(t.app, long)).body.errors?.[0]?.message).toBe('Syntax Error: Token limit of 2000 exceeded.');
  });

  it('hides field suggestions', async () => {
    const { body } = await graphql(t.app, '{ viewr { clientId } }');
    expect(body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('serves introspection by default, and not when switched off', async () => {
    expect((await graphql(t.app, '{ __schema { queryType { name } } }')).body).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
    const closed = await startTestApp({ FIDES__SECURITY__GRAPHQL_INTROSPECTION: 'false' });
    try {
      const { body } = await graphql(closed, '{ __schema { queryType { name } } }');
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await graphql(closed, '{ viewer { clientId } }')).body).toEqual({ data: { viewer: null } });
    } finally {
      await closed.close();
    }
  });
});

describe('bad input', () => {
  it('refuses a body over 1 MB with 413 JSON, on REST and GraphQL, declared or not', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    for (const path of ['/api/v1/oauth/client', '/graphql', '/api/v1/oauth/token']) {
      const declared = await t.app.fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
        body: big,
      });
      expect(declared.status, path).toBe(413);
      expect(await declared.json()).toEqual({ detail: 'Request body too large: at most 1048576 bytes.' });
      const streamed = await t.app.fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 17; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(64 * 1024)));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status, path).toBe(413);
    }
  });

  it('refuses JSON nested too deeply and scope lists too long with 422', async () => {
    const nested = `${'['.repeat(40)}${']'.repeat(40)}`;
    const deep = await t.app.fetch('/api/v1/oauth/client', { method: 'POST', headers: bearer(t.root), body: nested });
    expect(deep.status).toBe(422);
    expect(await deep.json()).toEqual({
      detail: [{ loc: ['body'], msg: 'JSON nested more than 32 levels deep', type: 'json_too_deep' }],
    });
    const long = await t.app.fetch('/api/v1/oauth/client', {
      method: 'POST',
      headers: bearer(t.root),
      body: JSON.stringify(Array(1001).fill('policy:read')),
    });
    expect(long.status).toBe(422);
    expect(await long.json()).toEqual({
      detail: [{ loc: ['body', 'scopes'], msg: 'List should have at most 1000 items', type: 'too_long' }],
    });
  });

  it('refuses NUL characters, which PostgreSQL text cannot hold, where they arrive', async () => {
    const path = await t.app.fetch('/api/v1/dsr/policy/%00', { headers: bearer(t.root) });
    expect(path.status).toBe(404);
    const body = await t.app.fetch('/api/v1/oauth/client', {
      method: 'POST',
      headers: bearer(t.root),
      body: '{"name": "a\\u0000b"}',
    });
    expect(await body.json()).toEqual({
      detail: [{ loc: ['body'], msg: 'Input must not contain NUL characters', type: 'string_nul' }],
    });
    const form = await t.app.fetch('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=a%00b&client_secret=x',
    });
    expect(form.status).toBe(400);
    const gql = await graphql(
      t.app,
      'query($k: String!) { policy(key: $k) { key } }',
      { k: 'a\u0000b' },
      bearer(t.root),
    );
    expect(gql.body.errors?.[0]).toMatchObject({
      message: 'Input must not contain NUL characters.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('answers headers over 16 KiB with 431 JSON from the real HTTP server', async () => {
    const server = await startHttpTestApp();
    try {
      const { port } = new URL(server.origin);
      const answer = await new Promise<{ status: number; type: string | undefined; body: string }>(
        (resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, path: '/health', headers: { 'X-Big': 'a'.repeat(20_000) } },
            (res) => {
              let body = '';
              res.on('data', (chunk: Buffer) => (body += chunk.toString()));
              res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(answer).toEqual({
        status: 431,
        type: 'application/json',
        body: '{"detail":"Request Header Fields Too Large"}',
      });
    } finally {
      await server.close();
    }
  });
});

describe('web hygiene', () => {
  it('sets security headers and a request id on every response', async () => {
    for (const [path, csp] of [
      ['/api/v1/oauth/scope', "default-src 'none'; frame-ancestors 'none'"],
      ['/health', "default-src 'none'; frame-ancestors 'none'"],
      ['/docs', "default-src 'self'; script-src 'self';"],
    ] as const) {
      const response = await t.app.fetch(path);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toContain(csp);
      expect(response.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    const graphiql = await t.app.fetch('/graphql', { headers: { Accept: 'text/html' } });
    expect(graphiql.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline' blob:");
  });

  it('keeps CORS off by default, and allows only the configured origins', async () => {
    const closed = await t.app.fetch('/api/v1/oauth/scope', { headers: { Origin: 'https://evil.example' } });
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();
    const open = await startTestApp({ FIDES__SECURITY__CORS_ORIGINS: 'https://admin.example' });
    try {
      const preflight = await open.fetch('/graphql', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://admin.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://admin.example');
      const other = await open.fetch('/graphql', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    } finally {
      await open.close();
    }
  });

  it('answers liveness and readiness on their exact paths', async () => {
    const live = await t.app.fetch('/health');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await t.app.fetch('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await t.app.fetch('/health/')).status).toBe(404);
    expect((await t.app.fetch('/healthz')).status).toBe(404);
  });

  it('limits requests per address when request_rate_limit is set', async () => {
    const limited = await startTestApp({
      FIDES__SECURITY__REQUEST_RATE_LIMIT: '3/minute',
      FIDES__SECURITY__TRUSTED_PROXIES: '1',
    });
    try {
      const from = { 'X-Forwarded-For': '203.0.113.7' };
      for (let i = 0; i < 3; i++)
        expect((await limited.fetch('/.well-known/jwks.json', { headers: from })).status).toBe(200);
      const refused = await limited.fetch('/.well-known/jwks.json', { headers: from });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ detail: 'Too many requests.' });
      expect(
        (await limited.fetch('/.well-known/jwks.json', { headers: { 'X-Forwarded-For': '203.0.113.8' } })).status,
      ).toBe(200);
      expect((await limited.fetch('/health', { headers: from })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('the front door', () => {
  it('GET / points to the docs, GraphQL, the OpenAPI document and the metadata', async () => {
    const response = await t.app.fetch('/');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      name: 'Gatehouse',
      description: 'OAuth 2.0 authorization server for machine clients, compatible with the Fides access-control API.',
      docs: `${ISSUER}/docs`,
      openapi: `${ISSUER}/openapi.json`,
      graphql: `${ISSUER}/graphql`,
      metadata: `${ISSUER}/.well-known/oauth-authorization-server`,
      token_endpoint: `${ISSUER}/api/v1/oauth/token`,
    });
  });

  it.each([
    ['/', 200, 'application/json'],
    ['/health', 200, 'application/json'],
    ['/metrics', 200, 'text/plain; version=0.0.4; charset=utf-8'],
    ['/.well-known/jwks.json', 200, 'application/json'],
    ['/openapi.json', 200, 'application/json'],
    ['/docs', 200, 'text/html; charset=utf-8'],
    ['/graphql?query={__typename}', 200, 'application/json; charset=utf-8'],
    ['/api/v1/oauth/scope', 401, 'application/json'],
    ['/nowhere', 404, 'application/json'],
  ])('HEAD %s answers as GET does, without a body', async (path, status, type) => {
    const get = await t.app.fetch(path);
    const head = await t.app.fetch(path, { method: 'HEAD' });
    expect([get.status, head.status]).toEqual([status, status]);
    expect(head.headers.get('content-type')).toBe(type);
    expect(await head.text()).toBe('');
  });
});
