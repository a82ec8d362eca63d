import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, graphql, postToken, rootToken } from '../helpers/oauth.js';
import { ROOT, startTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// 0.05 minutes = 3 seconds; time is moved with fake timers (Date only), never slept through.
const t = useTestApp({ OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '0.05' }, { root: false });
afterEach(() => {
  vi.useRealTimers();
});

describe('token expiry', () => {
  it('takes its lifetime from OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES, fractions allowed', async () => {
    const response = await postToken(t.app, {
      grant_type: 'client_credentials',
      client_id: ROOT.clientId,
      client_secret: ROOT.clientSecret,
    });
    const body = (await response.json()) as { expires_in: number; expires_at: string };
    expect(body.expires_in).toBe(3);
    expect(Date.parse(body.expires_at) - Date.now()).toBeLessThanOrEqual(3000);
  });

  it('accepts the token until exp, then answers 401 invalid_token on REST and GraphQL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Later than now: the signing key only signs from its creation on.
    const start = new Date(Date.now() + 86_400_000);
    vi.setSystemTime(start);
    const token = await rootToken(t.app);

    vi.setSystemTime(new Date(start.getTime() + 2_000));
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    expect((await graphql(t.app, '{ viewer { clientId } }', {}, bearer(token))).status).toBe(200);

    vi.setSystemTime(new Date(start.getTime() + 3_000));
    const rest = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(rest.status).toBe(401);
    expect(rest.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await rest.json()).toEqual({ detail: 'The access token is invalid or has expired.' });

    const gql = await graphql(t.app, '{ viewer { clientId } }', {}, bearer(token));
    expect(gql.status).toBe(401);
    expect(gql.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(gql.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });

    const rejections = t.app.log.lines.filter((line) => line.message === 'bearer token rejected');
    expect(rejections.map((line) => [line.level, (line.fields as { reason: string }).reason])).toEqual([
      ['info', 'ERR_JWT_EXPIRED'],
      ['info', 'ERR_JWT_EXPIRED'],
    ]);
  });
});

describe('token lifetime configuration', () => {
  it('lets the FIDES__ variable win over the short alias', async () => {
    const other = await startTestApp({
      OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '1',
      FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '2.5',
    });
    try {
      const response = await postToken(other, {
        grant_type: 'client_credentials',
        client_id: ROOT.clientId,
        client_secret: ROOT.clientSecret,
      });
      expect(((await response.json()) as { expires_in: number }).expires_in).toBe(150);
    } finally {
      await other.close();
    }
  });
});
