import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGON2_BOUNDS } from '../../src/clients/index.js';
import { createClientWith, graphql, postToken } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Unauthenticated callers can make the server verify secrets with argon2id (~15 ms of a core each). That queue is
// bounded in all and per address, so a burst is refused at once instead of delaying everyone behind it.
// Generous failure limits: this is about concurrent work, not the failure counts.
const t = useTestApp(
  {
    FIDES__SECURITY__AUTH_RATE_LIMIT: '100000/minute',
    FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '100000/minute',
    FIDES__SECURITY__TRUSTED_PROXIES: '1',
  },
  { root: false },
);

const ip = () => `2001:db8:1::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
const guess = (address: string) =>
  postToken(
    t.app,
    { grant_type: 'client_credentials', client_id: randomBytes(16).toString('hex'), client_secret: 'guess' },
    { 'X-Forwarded-For': address },
  );

describe('the argon2 queue', () => {
  it('keeps each address to its share: a burst from one address cannot starve the others', async () => {
    const legit = await createClientWith(t.app, []);
    const burster = ip();
    const burst = Array.from({ length: 300 }, () => guess(burster));
    // A first-time grant (its secret not yet verified in this process) from elsewhere, in the middle of the burst.
    const first = await postToken(t.app, { grant_type: 'client_credentials', ...legit }, { 'X-Forwarded-For': ip() });
    expect(first.status).toBe(200);

    const answers = await Promise.all(burst);
    const statuses = answers.map((response) => response.status);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    // Its share was verified; the rest was refused at once, not queued in front of everyone else.
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(
      DEFAULT_ARGON2_BOUNDS.maxPerAddress,
    );
    const refused = answers[statuses.indexOf(429)]!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      detail: 'Too many client authentications from this address at once. Try again in a second.',
    });
  });

  it('answers 503 with Retry-After past the queue bound, and leaves already-verified secrets untouched', async () => {
    const warm = await createClientWith(t.app, []);
    expect(
      (await postToken(t.app, { grant_type: 'client_credentials', ...warm }, { 'X-Forwarded-For': ip() })).status,
    ).toBe(200);

    // Spread over many addresses, so only the overall bound applies.
    const burst = Array.from({ length: 3 * DEFAULT_ARGON2_BOUNDS.maxQueued }, () => guess(ip()));
    const cached = await postToken(t.app, { grant_type: 'client_credentials', ...warm }, { 'X-Forwarded-For': ip() });
    expect(cached.status).toBe(200);

    const answers = await Promise.all(burst);
    const statuses = answers.map((response) => response.status);
    expect(new Set(statuses)).toEqual(new Set([401, 503]));
    const busy = answers[statuses.indexOf(503)]!;
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.headers.get('cache-control')).toBe('no-store');
    // A 5xx body quotes the request id, as every 5xx does.
    expect(await busy.json()).toEqual({
      detail: 'The server is busy verifying client secrets. Try again shortly.',
      request_id: busy.headers.get('x-request-id'),
    });
  });

  it('says so on GraphQL too, with the code and the wait', async () => {
    const issue = 'mutation($id: String!) { issueToken(clientId: $id, clientSecret: "guess") { accessToken } }';
    const burster = ip();
    const answers = await Promise.all(
      Array.from({ length: 2 * DEFAULT_ARGON2_BOUNDS.maxPerAddress }, () =>
        graphql(t.app, issue, { id: randomBytes(16).toString('hex') }, { 'X-Forwarded-For': burster }),
      ),
    );
    const refused = answers.find(({ body }) => body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(refused?.body.errors?.[0]).toEqual({
      message: 'Too many client authentications from this address at once. Try again in a second.',
      path: ['issueToken'],
      locations: [{ line: 1, column: 26 }],
      extensions: { code: 'RATE_LIMITED', retryAfter: 1 },
    });
  });
});
