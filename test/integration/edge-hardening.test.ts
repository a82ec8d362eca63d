import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, callJson, graphql } from '../helpers/oauth.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// The HTTP edge of /graphql and of everything yoga answers by itself (issue 10): what comes back when a request is
// odd, hostile or refused.

const t = useTestApp();

beforeAll(async () => {
  const policy = await callJson(t.app, 'PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'edge', name: 'Edge' }]);
  expect(policy.status).toBe(200);
});

/** The log lines above `info` written since `mark` (an index into the log). */
const loudLinesSince = (mark: number) => t.app.log.lines.slice(mark).filter((line) => line.level !== 'info');

const postGraphQL = (body: string, headers: Record<string, string> = {}) =>
  t.app.fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body,
  });

describe('406 Not Acceptable', () => {
  const NOT_ACCEPTABLE = {
    detail:
      'Not Acceptable: GraphQL answers in application/graphql-response+json, application/json, multipart/mixed or text/event-stream.',
  };

  /** The size of a response's header block as written on the wire: `name: value` and CRLF per header. */
  function headerBytes(response: Response): number {
    let bytes = 0;
    response.headers.forEach((value, name) => (bytes += Buffer.byteLength(`${name}: ${value}\r\n`)));
    return bytes;
  }

  it('answers a 12 KB Accept it cannot meet with a short JSON 406 whose headers stay small', async () => {
    const accept = Array.from({ length: 3072 }, () => 'a/b').join(',');
    expect(accept.length).toBeGreaterThan(12_000);
    const response = await postGraphQL(JSON.stringify({ query: '{ __typename }' }), { Accept: accept });
    expect(response.status).toBe(406);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('accept')).toBeNull();
    expect(headerBytes(response)).toBeLessThan(2048);
    expect(await response.json()).toEqual(NOT_ACCEPTABLE);
  });

  it('refuses before executing: a mutation whose answer could not be sent does not run', async () => {
    const create = await postGraphQL(
      JSON.stringify({ query: 'mutation { createClient(name: "edge-never-created") { clientSecret } }' }),
      {
        ...bearer(t.root),
        Accept: 'text/html',
      },
    );
    expect(create.status).toBe(406);
    expect(await create.json()).toEqual(NOT_ACCEPTABLE);
    const { body } = await graphql(t.app, '{ clients(size: 100) { items { name } } }', {}, bearer(t.root));
    const names = (body.data!.clients as { items: { name: string | null }[] }).items.map((item) => item.name);
    expect(names).not.toContain('edge-never-created');
  });

  it('still answers every media type yoga can produce, wildcards and lists included', async () => {
    for (const accept of [
      'application/json',
      'application/graphql-response+json',
      '*/*',
      'application/*',
      'text/event-stream',
      'multipart/mixed',
      'text/html, application/json;q=0.9',
      '',
    ]) {
      const response = await postGraphQL(JSON.stringify({ query: '{ __typename }' }), { Accept: accept });
      expect(response.status, accept).toBe(200);
      await response.text();
    }
  });
});

describe('deeply nested GraphQL input', () => {
  const NESTED_DOCUMENT = {
    errors: [
      { message: 'Syntax Error: Nesting limit of 32 exceeded.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ],
  };
  const NESTED_VARIABLES = {
    errors: [{ message: 'Variables nested more than 32 levels deep.', extensions: { code: 'BAD_USER_INPUT' } }],
  };
  const upsertRule = (strategy: string) =>
    `mutation { upsertRules(policyKey: "edge", rules: [{ key: "r", name: "r", actionType: "erasure", maskingStrategy: ${strategy}, targets: [{ dataCategory: "user" }] }]) { succeeded { key } failed { message } } }`;
  const UPSERT_RULE_WITH_VARIABLE = upsertRule('$m').replace('mutation {', 'mutation($m: JSON) {');
  const nested = (depth: number, open: string, inner: string, close: string) =>
    `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

  it.each([
    ['selections', `{ ${nested(5000, 'a { ', 'b', ' }')} }`],
    ['a list literal', `{ policy(key: ${nested(5000, '[', '"x"', ']')}) { key } }`],
    [
      'an object literal',
      upsertRule(`{ strategy: "null_rewrite", configuration: ${nested(5000, '{ a: ', '1', ' }')} }`),
    ],
    ['a list literal just past the limit', `{ policy(key: ${nested(31, '[', '"x"', ']')}) { key } }`],
  ])(
    'refuses a document nested too deeply (%s) before parsing it, as a client error logged at most at info',
    async (_case, query) => {
      const mark = t.app.log.lines.length;
      const { status, body } = await graphql(t.app, query, {}, bearer(t.root));
      expect(status).toBe(200);
      expect(body).toEqual(NESTED_DOCUMENT);
      expect(loudLinesSince(mark)).toEqual([]);
    },
  );

  it('lets nesting up to the limit through to the ordinary checks', async () => {
    const { body } = await graphql(
      t.app,
      `{ policy(key: ${nested(30, '[', '"x"', ']')}) { key } }`,
      {},
      bearer(t.root),
    );
    expect(body.errors?.[0]?.message).toMatch(/^String cannot represent a non string value/);
    const deepButFine = nested(20, '{ a: ', '1', ' }');
    const rule = await graphql(
      t.app,
      upsertRule(`{ strategy: "null_rewrite", configuration: ${deepButFine} }`),
      {},
      bearer(t.root),
    );
    expect(rule.body).toEqual({ data: { upsertRules: { succeeded: [{ key: 'r' }], failed: [] } } });
  });

  it.each([
    ['an array', nested(5000, '[', '', ']')],
    ['an object', nested(1000, '{"a":', '1', '}')],
    // The variables object, `m` and 31 levels below it: 33.
    ['an object just past the limit', nested(31, '{"a":', '1', '}')],
  ])(
    'refuses variables nested too deeply (%s), as a client error logged at most at info',
    async (_case, configuration) => {
      const mark = t.app.log.lines.length;
      const response = await postGraphQL(
        `{"query": ${JSON.stringify(UPSERT_RULE_WITH_VARIABLE)}, "variables": {"m": {"strategy": "null_rewrite", "configuration": ${configuration}}}}`,
        bearer(t.root),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(NESTED_VARIABLES);
      expect(loudLinesSince(mark)).toEqual([]);
    },
  );

  it('takes variables nested within the limit', async () => {
    const { body } = await graphql(
      t.app,
      UPSERT_RULE_WITH_VARIABLE,
      { m: { strategy: 'null_rewrite', configuration: JSON.parse(nested(30, '{"a":', '1', '}')) } },
      bearer(t.root),
    );
    expect(body).toEqual({ data: { upsertRules: { succeeded: [{ key: 'r' }], failed: [] } } });
  });
});

describe('NUL characters written into the GraphQL document', () => {
  const NUL = 'Input must not contain NUL characters.';
  it.each([
    ['a policy key', '{ policy(key: "a\\u0000b") { key } }'],
    ['a client name', 'mutation { createClient(name: "a\\u0000b") { clientId } }'],
    ['an input object field', 'mutation { upsertPolicies(policies: [{ name: "a\\u0000b" }]) { succeeded { key } } }'],
    ['a variable default', 'query($k: String! = "a\\u0000b") { policy(key: $k) { key } }'],
    ['a client id', '{ client(clientId: "a\\u0000b") { clientId } }'],
    ['issueToken', 'mutation { issueToken(clientId: "x\\u0000", clientSecret: "y") { scope } }'],
  ])('refuses a \\u0000 escape in %s with BAD_USER_INPUT, before any resolver runs', async (_case, query) => {
    const mark = t.app.log.lines.length;
    const { status, body } = await graphql(t.app, query, {}, bearer(t.root));
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [
        {
          message: NUL,
          locations: [{ line: 1, column: query.indexOf('"') + 1 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(loudLinesSince(mark)).toEqual([]);
  });

  it('refuses NUL in block strings too, written raw or as a NUL-free escape left as it is', async () => {
    const raw = await graphql(t.app, '{ policy(key: """a\u0000b""") { key } }', {}, bearer(t.root));
    expect(raw.body).toEqual({ errors: [{ message: NUL, extensions: { code: 'BAD_USER_INPUT' } }] });
    // Block strings do not interpret escapes: this key is the six characters \u0000, no NUL at all.
    const escaped = await graphql(t.app, '{ policy(key: """a\\u0000b""") { key } }', {}, bearer(t.root));
    expect(escaped.body).toEqual({ data: { policy: null } });
  });
});

describe('errors yoga answers by itself are JSON with a detail', () => {
  const json = { 'Content-Type': 'application/json' };
  it.each<[string, string, { method?: string; headers?: Record<string, string>; body?: string }, number, string]>([
    [
      'POST /graphql as text/plain',
      '/graphql',
      { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{ __typename }' },
      415,
      'Unsupported Media Type',
    ],
    ['GET /nope', '/nope', {}, 404, 'Not Found'],
    ['POST /nope', '/nope', { method: 'POST', headers: json, body: '{}' }, 404, 'Not Found'],
    ['GET /graphql/extra', '/graphql/extra', {}, 404, 'Not Found'],
    [
      'POST /elsewhere/graphql',
      '/elsewhere/graphql',
      { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' },
      404,
      'Not Found',
    ],
    [
      'POST /x?y=/graphql',
      '/x?y=/graphql',
      { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' },
      404,
      'Not Found',
    ],
  ])('%s', async (_case, path, init, status, detail) => {
    const response = await t.app.fetch(path, {
      ...init,
      headers: { ...init.headers, 'X-Request-Id': 'edge-request-0001' },
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ detail });
    expect(response.headers.get('x-request-id')).toBe('edge-request-0001');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('keeps the JSON errors yoga already writes, and their Allow header', async () => {
    const response = await t.app.fetch('/graphql', { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await response.json()).toEqual({
      errors: [{ message: 'GraphQL only supports GET and POST requests.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers HEAD for an unknown path as it would GET (Node then leaves the body out)', async () => {
    const response = await t.app.fetch('/nope', { method: 'HEAD' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});

describe('Cache-Control on GraphQL', () => {
  it('is no-store on every GraphQL response: data, errors, a bad token and refusals (GraphiQL’s page: no-cache)', async () => {
    const answers = {
      data: await postGraphQL(JSON.stringify({ query: '{ viewer { clientId } }' }), bearer(t.root)),
      validation: await postGraphQL(JSON.stringify({ query: '{ nope }' })),
      badToken: await postGraphQL(JSON.stringify({ query: '{ viewer { clientId } }' }), bearer('not-a-token')),
      forbidden: await postGraphQL(JSON.stringify({ query: '{ clients { total } }' })),
      notAcceptable: await postGraphQL(JSON.stringify({ query: '{ __typename }' }), { Accept: 'image/png' }),
      unsupported: await t.app.fetch('/graphql', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'x',
      }),
      badMethod: await t.app.fetch('/graphql', { method: 'PUT' }),
      get: await t.app.fetch('/graphql?query=%7B__typename%7D', { headers: { Accept: 'application/json' } }),
    };
    // The editor's page holds no answer: kept by the browser, revalidated by its ETag.
    const graphiql = await t.app.fetch('/graphql', { headers: { Accept: 'text/html' } });
    expect(graphiql.headers.get('cache-control')).toBe('no-cache');
    await graphiql.text();
    expect(answers.badToken.status).toBe(401);
    expect(answers.badToken.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    for (const [name, response] of Object.entries(answers)) {
      expect(response.headers.get('cache-control'), name).toBe('no-store');
      await response.text();
    }
  });
});

describe('CORS', () => {
  const ADMIN = 'https://admin.example';
  const OTHER = 'https://other.example';
  const preflight = (target: TestApp, origin: string, path = '/graphql') =>
    target.fetch(path, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
  const actual = (target: TestApp, origin: string) =>
    target.fetch('/graphql', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
  const corsHeaders = (response: Response) => {
    const found: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name.startsWith('access-control-')) found[name] = value;
    });
    return found;
  };
  const ALLOWED = (origin: string) => ({
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
    'access-control-allow-headers': 'Authorization, Content-Type',
    'access-control-expose-headers': 'X-Request-Id, Retry-After',
  });

  it.each([
    ['one origin', [ADMIN]],
    ['two origins', [ADMIN, OTHER]],
  ])(
    'with %s configured, answers listed origins without credentials and others with no CORS headers at all',
    async (_case, origins) => {
      const open = await startTestApp({ FIDES__SECURITY__CORS_ORIGINS: origins.join(',') });
      try {
        for (const origin of origins) {
          const allowedPreflight = await preflight(open, origin);
          expect(allowedPreflight.status).toBe(204);
          expect(corsHeaders(allowedPreflight), origin).toEqual(ALLOWED(origin));
          expect(allowedPreflight.headers.get('vary')).toContain('Origin');
          const allowed = await actual(open, origin);
          expect(allowed.status).toBe(200);
          expect(corsHeaders(allowed), origin).toEqual(ALLOWED(origin));
          expect(allowed.headers.get('vary')).toContain('Origin');
          const rest = await open.fetch('/api/v1/oauth/scope', { headers: { Origin: origin } });
          expect(corsHeaders(rest), origin).toEqual(ALLOWED(origin));
        }
        for (const origin of ['null', 'https://evil.example', `${ADMIN}.evil.example`, 'http://admin.example']) {
          const refusedPreflight = await preflight(open, origin);
          expect(corsHeaders(refusedPreflight), origin).toEqual({});
          const refused = await actual(open, origin);
          expect(refused.status).toBe(200);
          expect(corsHeaders(refused), origin).toEqual({});
          expect(corsHeaders(await preflight(open, origin, '/api/v1/oauth/client')), origin).toEqual({});
        }
        expect(
          corsHeaders(await open.fetch('/graphql?query=%7B__typename%7D', { headers: { Accept: 'application/json' } })),
        ).toEqual({});
      } finally {
        await open.close();
      }
    },
  );

  it('sends no CORS headers when no origin is configured', async () => {
    expect(corsHeaders(await actual(t.app, ADMIN))).toEqual({});
    expect(corsHeaders(await t.app.fetch('/api/v1/oauth/scope', { headers: { Origin: 'null' } }))).toEqual({});
  });
});
