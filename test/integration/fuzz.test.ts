import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postToken } from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Malformed requests across every REST route and /graphql: never a 5xx, always a JSON body (HTML only for the two
// pages, none for 204/405 HEAD-like answers), and the server still issues valid tokens afterwards.
const t = useTestApp();

// Every route with the methods it takes, so most requests get past routing and reach parsing and validation.
const ROUTES: [string, string][] = [
  ['POST', '/api/v1/oauth/token'],
  ['POST', '/api/v1/oauth/introspect'],
  ['POST', '/api/v1/oauth/revoke'],
  ['POST', '/api/v1/oauth/client'],
  ['GET', '/api/v1/oauth/client'],
  ['GET', '/api/v1/oauth/client/{id}'],
  ['PUT', '/api/v1/oauth/client/{id}'],
  ['DELETE', '/api/v1/oauth/client/{id}'],
  ['POST', '/api/v1/oauth/client/{id}/secret'],
  ['GET', '/api/v1/oauth/client/{id}/scope'],
  ['PUT', '/api/v1/oauth/client/{id}/scope'],
  ['GET', '/api/v1/oauth/scope'],
  ['GET', '/api/v1/oauth/role'],
  ['GET', '/api/v1/dsr/policy'],
  ['PATCH', '/api/v1/dsr/policy'],
  ['GET', '/api/v1/dsr/policy/{id}'],
  ['DELETE', '/api/v1/dsr/policy/{id}'],
  ['GET', '/api/v1/dsr/policy/{id}/rule'],
  ['PATCH', '/api/v1/dsr/policy/{id}/rule'],
  ['GET', '/api/v1/dsr/policy/{id}/rule/{id}'],
  ['DELETE', '/api/v1/dsr/policy/{id}/rule/{id}'],
  ['GET', '/api/v1/dsr/policy/{id}/rule/{id}/target'],
  ['PATCH', '/api/v1/dsr/policy/{id}/rule/{id}/target'],
  ['GET', '/api/v1/dsr/policy/{id}/rule/{id}/target/{id}'],
  ['DELETE', '/api/v1/dsr/policy/{id}/rule/{id}/target/{id}'],
  ['POST', '/graphql'],
  ['GET', '/graphql'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/.well-known/oauth-authorization-server'],
  ['GET', '/openapi.json'],
  ['GET', '/health/ready'],
];

const hostileId = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      "1' OR '1'='1",
      '1; DROP TABLE client; --',
      '../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      '%E0%A4%A',
      '%ff%fe',
      'a'.repeat(5000),
      '9'.repeat(400),
      '-1',
      '1e309',
      '__proto__',
      'constructor',
      '',
    ),
  )
  .map((id) => encodeURIComponent(id).replace(/%25/g, '%'));

const hostileBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  fc
    .constantFrom(
      '{"query": 1}',
      '{"query": "{ viewer { clientId } }", "variables": "nope"}',
      '{"query": "mutation { createClient(scopes: [1]) { clientId } }"}',
      '[{"name": null, "action_type": {"x": 1}, "targets": [{"data_category": []}]}]',
      '{"scopes": [null], "name": {"$gt": ""}}',
      '{"a":' + '1'.repeat(400) + '}',
      '\u0000\u0000',
      '\uFFFF\uD800',
      'grant_type=client_credentials&client_id=%ZZ&client_secret=x',
      'token=' + 'x'.repeat(3000),
      'null',
      '9'.repeat(500),
      '[' + '1,'.repeat(5000) + '1]',
    )
    .map((text) => Buffer.from(text)),
  fc.constant(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])),
);

const route = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...ROUTES) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND'),
      fc.constantFrom(...ROUTES.map(([, path]) => path)),
    ),
  },
);

const request = fc.record({
  route: fc
    .tuple(route, hostileId, hostileId)
    .map(([[method, path], a, b]) => ({ method, path: path.replace('{id}', a).replace('{id}', b) })),
  query: fc.constantFrom(
    '',
    '?page=0',
    '?size=-1',
    '?page=99999999999999999999',
    '?size=1e3',
    '?page=%00',
    '?query={__typename}',
  ),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/graphql',
    'application/json; charset=latin1',
    '*/*',
  ),
  auth: fc.constantFrom(undefined, 'valid', 'Bearer garbage', 'Basic !!!', 'Basic Og==', 'Bearer ', 'Negotiate abc'),
  body: fc.option(hostileBody, { nil: undefined }),
});

describe('fuzzing every route with malformed requests', () => {
  it('never answers 5xx, always answers JSON where a body is expected, and keeps working', async () => {
    let runs = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ route: { method, path }, ...input }) => {
        runs += 1;
        const headers: Record<string, string> = {};
        if (input.contentType) headers['Content-Type'] = input.contentType;
        if (input.auth) headers.Authorization = input.auth === 'valid' ? `Bearer ${t.root}` : input.auth;
        const withBody = input.body !== undefined && method !== 'GET';
        const response = await t.app.fetch(`${path}${input.query}`, {
          method: method,
          headers,
          ...(withBody ? { body: input.body } : {}),
        });
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        if (response.status === 204 || method === 'OPTIONS') return;
        const type = response.headers.get('content-type') ?? '';
        if (type.startsWith('text/html')) return;
        expect(type, `${method} ${path} ${response.status}`).toMatch(/^application\/(graphql-response\+)?json/);
        expect(() => JSON.parse(text)).not.toThrow();
      }),
      { numRuns: 2000, seed: 20261128 },
    );
    expect(runs).toBe(2000);
    // Most requests must reach parsing and validation, not stop at routing.
    expect((statuses.get(405) ?? 0) + (statuses.get(404) ?? 0)).toBeLessThan(1000);

    const after = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
    });
    expect(after.status).toBe(200);
    const fresh = ((await after.json()) as { access_token: string }).access_token;
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(
      200,
    );
  }, 240_000);
});
