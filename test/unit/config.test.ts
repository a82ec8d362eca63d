import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const SECURE = {
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'root',
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'root-secret-of-at-least-32-chars!',
  FIDES__SECURITY__APP_ENCRYPTION_KEY: '0123456789abcdef0123456789abcdef',
};

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
}

function load(env: Record<string, string>, cwd = folder(), warnings: string[] = []) {
  return loadConfig({ env, cwd, warn: (message) => warnings.push(message) });
}

describe('defaults', () => {
  it('serves on 0.0.0.0:8080 with the embedded database in ./.fides/data and 8-day tokens', () => {
    const cwd = folder();
    const config = load(SECURE, cwd);
    expect(config.webserver).toEqual({ host: '0.0.0.0', port: 8080, shutdownDrainSeconds: 0 });
    expect(config.database).toEqual({
      kind: 'pglite-dir',
      url: 'pglite://./.fides/data',
      dir: join(cwd, '.fides/data'),
    });
    expect(config.security.oauthAccessTokenExpireMinutes).toBe(11520);
    expect(config.security.oauthIssuer).toBe('http://localhost:8080');
    expect(config.security.oauthAudience).toBe('http://localhost:8080');
    expect(config.configPath).toBeNull();
    expect(Object.isFrozen(config.security)).toBe(true);
  });
});

describe('sources', () => {
  it('reads ./fides.toml, then .fides/fides.toml, and the environment wins over the file', () => {
    const cwd = folder();
    mkdirSync(join(cwd, '.fides'));
    writeFileSync(join(cwd, '.fides/fides.toml'), '[webserver]\nport = 9000\n');
    expect(load(SECURE, cwd).webserver.port).toBe(9000);

    writeFileSync(
      join(cwd, 'fides.toml'),
      '[webserver]\nport = 9100\nhost = "127.0.0.1"\n[security]\noauth_access_token_expire_minutes = 30\n',
    );
    const fromFile = load(SECURE, cwd);
    expect(fromFile.configPath).toBe(join(cwd, 'fides.toml'));
    expect(fromFile.webserver).toEqual({ host: '127.0.0.1', port: 9100, shutdownDrainSeconds: 0 });
    expect(fromFile.security.oauthAccessTokenExpireMinutes).toBe(30);

    const fromEnv = load({ ...SECURE, PORT: '9200', FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '0.05' }, cwd);
    expect(fromEnv.webserver.port).toBe(9200);
    expect(fromEnv.security.oauthAccessTokenExpireMinutes).toBe(0.05);
  });

  it('reads the file named by FIDES__CONFIG_PATH, and refuses a missing one', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'custom.toml'), '[database]\nurl = "pglite://memory"\n');
    expect(load({ ...SECURE, FIDES__CONFIG_PATH: 'custom.toml' }, cwd).database).toEqual({
      kind: 'pglite-memory',
      url: 'pglite://memory',
    });
    expect(() => load({ ...SECURE, FIDES__CONFIG_PATH: 'missing.toml' }, cwd)).toThrow(
      `FIDES__CONFIG_PATH: no file at ${join(cwd, 'missing.toml')}`,
    );
  });

  it('takes DATABASE_URL and a postgresql:// URL', () => {
    const config = load({ ...SECURE, DATABASE_URL: 'postgresql://u:p@db.example:5432/gatehouse' });
    expect(config.database).toEqual({ kind: 'postgresql', url: 'postgresql://u:p@db.example:5432/gatehouse' });
  });

  it('derives the audience from a configured issuer, and takes an explicit one', () => {
    expect(load({ ...SECURE, FIDES__SECURITY__OAUTH_ISSUER: 'https://auth.example' }).security.oauthAudience).toBe(
      'https://auth.example',
    );
    const both = load({
      ...SECURE,
      FIDES__SECURITY__OAUTH_ISSUER: 'https://auth.example',
      FIDES__SECURITY__OAUTH_AUDIENCE: 'fides',
    });
    expect(both.security.oauthAudience).toBe('fides');
  });

  it('warns about unknown keys and variables, and goes on', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'fides.toml'), '[security]\nroot_password = "x"\n[cellar]\nwine = 1\n');
    const warnings: string[] = [];
    load({ ...SECURE, FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRETT: 'typo' }, cwd, warnings);
    expect(warnings).toEqual([
      `${join(cwd, 'fides.toml')}: unknown key security.root_password ignored`,
      `${join(cwd, 'fides.toml')}: unknown section [cellar] ignored`,
      'unknown environment variable FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRETT ignored',
    ]);
  });
});

describe('bad values stop the start, naming the key', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT: must be a port number from 0 to 65535, got "eighty"'],
    [{ FIDES__WEBSERVER__PORT: '70000' }, 'FIDES__WEBSERVER__PORT: must be a port number from 0 to 65535, got "70000"'],
    [
      { OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '0' },
      'OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: must be a positive number of minutes, got "0"',
    ],
    [
      { OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: 'soon' },
      'OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: must be a positive number of minutes, got "soon"',
    ],
    [
      { OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '0.001' },
      'OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: must be at least one second (0.0167 minutes)',
    ],
    [
      { FIDES__SECURITY__APP_ENCRYPTION_KEY: 'short' },
      'security.app_encryption_key: must be exactly 32 ASCII characters, got 5',
    ],
    [{ FIDES__SECURITY__OAUTH_ISSUER: 'not a url' }, 'security.oauth_issuer: not a URL: "not a url"'],
    [
      { FIDES__SECURITY__OAUTH_ISSUER: 'https://a.example/?x=1' },
      'security.oauth_issuer: must be an http(s) URL without query or fragment (RFC 8414)',
    ],
    [
      { DATABASE_URL: 'mysql://root:hunter2@db/x' },
      'database.url: must be postgresql://…, pglite://memory or pglite://<path>',
    ],
    [
      { FIDES__SECURITY__AUTH_RATE_LIMIT: 'lots' },
      'FIDES__SECURITY__AUTH_RATE_LIMIT: must look like "10/minute" (a count per second, minute, hour or day), got "lots"',
    ],
    [
      { FIDES__SECURITY__REQUEST_RATE_LIMIT: '0/minute' },
      'FIDES__SECURITY__REQUEST_RATE_LIMIT: must look like "10/minute" (a count per second, minute, hour or day), got "0/minute"',
    ],
    [
      { FIDES__SECURITY__TRUST_FORWARDED_FOR: 'yes' },
      'FIDES__SECURITY__TRUST_FORWARDED_FOR: must be true or false, got "yes"',
    ],
    [
      { FIDES__SECURITY__AUTH_IP_RATE_LIMIT: '100' },
      'FIDES__SECURITY__AUTH_IP_RATE_LIMIT: must look like "10/minute" (a count per second, minute, hour or day), got "100"',
    ],
    [
      { FIDES__SECURITY__TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' },
      'FIDES__SECURITY__TRUSTED_PROXIES: "proxy.internal" is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal',
    ],
    [
      { FIDES__SECURITY__TRUSTED_PROXIES: '10.0.0.0/33' },
      'FIDES__SECURITY__TRUSTED_PROXIES: "10.0.0.0/33" is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal',
    ],
    [
      { FIDES__SECURITY__TRUSTED_PROXIES: '99' },
      'FIDES__SECURITY__TRUSTED_PROXIES: a number of proxy hops must be a whole number from 0 to 32, got "99"',
    ],
    [
      { FIDES__SECURITY__CORS_ORIGINS: 'https://a.example/path' },
      'FIDES__SECURITY__CORS_ORIGINS: "https://a.example/path" is not an origin (scheme://host[:port])',
    ],
    [{ FIDES__REDIS__URL: 'http://cache:6379' }, 'redis.url: must be redis://… or rediss://…'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('%o', (env, message) => {
    expect(() => load({ ...SECURE, ...env })).toThrow(new ConfigError(message));
  });

  it('never echoes a database URL, which may carry a password', () => {
    expect(() => load({ ...SECURE, DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('names the file and the problem for TOML that does not parse', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'fides.toml'), '[security\n');
    expect(() => load(SECURE, cwd)).toThrow(new RegExp(`^${join(cwd, 'fides.toml')}: not valid TOML`));
  });

  it('checks types in the file', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'fides.toml'), '[security]\noauth_root_client_id = 5\n');
    expect(() =>
      load({ FIDES__SECURITY__APP_ENCRYPTION_KEY: SECURE.FIDES__SECURITY__APP_ENCRYPTION_KEY }, cwd),
    ).toThrow(new ConfigError('security.oauth_root_client_id: must be a string'));
  });
});

describe('limits and web settings', () => {
  it('defaults to 10 failed authentications a minute, no request limit, CORS off, introspection on', () => {
    const { security, redis } = load(SECURE);
    expect(security.authRateLimit).toEqual({ points: 10, durationSeconds: 60 });
    expect(security.authIpRateLimit).toEqual({ points: 100, durationSeconds: 60 });
    expect(security.requestRateLimit).toBeNull();
    expect(security.trustedProxies).toEqual([]);
    expect(security.corsOrigins).toEqual([]);
    expect(security.graphqlIntrospection).toBe(true);
    expect(redis.url).toBeNull();
  });

  it('reads them from the file and the environment', () => {
    const cwd = folder();
    writeFileSync(
      join(cwd, 'fides.toml'),
      '[security]\nauth_rate_limit = "5/hour"\ncors_origins = ["https://admin.example"]\ngraphql_introspection = false\n[redis]\nurl = "redis://127.0.0.1:6379"\n',
    );
    const config = load({ ...SECURE, FIDES__SECURITY__REQUEST_RATE_LIMIT: '100/second' }, cwd);
    expect(config.security.authRateLimit).toEqual({ points: 5, durationSeconds: 3600 });
    expect(config.security.requestRateLimit).toEqual({ points: 100, durationSeconds: 1 });
    expect(config.security.corsOrigins).toEqual(['https://admin.example']);
    expect(config.security.graphqlIntrospection).toBe(false);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });
});

describe('trusted proxies', () => {
  it('takes a list of addresses, ranges and names, or a hop count, from the file or the environment', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'fides.toml'), '[security]\ntrusted_proxies = ["loopback", "10.0.0.0/8", "2001:db8::1"]\n');
    expect(load(SECURE, cwd).security.trustedProxies).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    writeFileSync(join(cwd, 'fides.toml'), '[security]\ntrusted_proxies = 2\n');
    expect(load(SECURE, cwd).security.trustedProxies).toBe(2);
    expect(
      load({ ...SECURE, FIDES__SECURITY__TRUSTED_PROXIES: 'uniquelocal, 192.0.2.10' }).security.trustedProxies,
    ).toEqual(['uniquelocal', '192.0.2.10']);
    expect(load({ ...SECURE, FIDES__SECURITY__TRUSTED_PROXIES: '1' }).security.trustedProxies).toBe(1);
  });

  it('reads the older trust_forwarded_for = true as one trusted hop, and says so', () => {
    const warnings: string[] = [];
    expect(
      load({ ...SECURE, FIDES__SECURITY__TRUST_FORWARDED_FOR: 'true' }, folder(), warnings).security.trustedProxies,
    ).toBe(1);
    expect(warnings).toEqual([
      'FIDES__SECURITY__TRUST_FORWARDED_FOR is deprecated: it now means security.trusted_proxies = 1 (the right-most X-Forwarded-For entry is the client); set trusted_proxies instead',
    ]);
    expect(load({ ...SECURE, FIDES__SECURITY__TRUST_FORWARDED_FOR: 'false' }).security.trustedProxies).toEqual([]);
    const both: string[] = [];
    const config = load(
      { ...SECURE, FIDES__SECURITY__TRUST_FORWARDED_FOR: 'true', FIDES__SECURITY__TRUSTED_PROXIES: 'loopback' },
      folder(),
      both,
    );
    expect(config.security.trustedProxies).toEqual(['loopback']);
    expect(both).toEqual(['FIDES__SECURITY__TRUST_FORWARDED_FOR is ignored: security.trusted_proxies is set']);
  });
});

describe('generated secrets', () => {
  it('generates what is not configured once, in a 0600 file in the data folder, and reuses it', () => {
    const cwd = folder();
    const a = load({}, cwd);
    const path = join(cwd, '.fides/data/secrets.toml');
    expect(a.security.generated).toEqual({
      path,
      keys: ['oauth_root_client_id', 'oauth_root_client_secret', 'app_encryption_key', 'oauth_issuer'],
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(a.security.oauthRootClientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.security.appEncryptionKey).toHaveLength(32);

    const before = readFileSync(path, 'utf8');
    const b = load({}, cwd);
    expect(b.security.oauthRootClientSecret).toBe(a.security.oauthRootClientSecret);
    expect(b.security.appEncryptionKey).toBe(a.security.appEncryptionKey);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('lets explicit values win and reports only the generated keys', () => {
    const cwd = folder();
    const config = load(
      { FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: SECURE.FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET },
      cwd,
    );
    expect(config.security.oauthRootClientSecret).toBe(SECURE.FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET);
    expect(config.security.generated?.keys).toEqual(['oauth_root_client_id', 'app_encryption_key', 'oauth_issuer']);
  });

  it('records the default issuer on first start, so a restart on another port keeps the tokens valid', () => {
    const cwd = folder();
    const first = load({ PORT: '8080' }, cwd);
    expect(first.security.oauthIssuer).toBe('http://localhost:8080');
    expect(readFileSync(join(cwd, '.fides/data/secrets.toml'), 'utf8')).toContain(
      'oauth_issuer = "http://localhost:8080"',
    );
    const moved = load({ PORT: '9090' }, cwd);
    expect(moved.security.oauthIssuer).toBe('http://localhost:8080');
    expect(moved.security.oauthAudience).toBe('http://localhost:8080');
    // A configured issuer wins over the recorded one, and is never recorded itself.
    expect(
      load({ PORT: '9090', FIDES__SECURITY__OAUTH_ISSUER: 'https://auth.example' }, cwd).security.oauthIssuer,
    ).toBe('https://auth.example');
  });

  it('keeps following the port with a secrets file written before the issuer was recorded', () => {
    const cwd = folder();
    load({ PORT: '8080' }, cwd);
    const path = join(cwd, '.fides/data/secrets.toml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^oauth_issuer = .*\n/m, ''));
    expect(load({ PORT: '9090' }, cwd).security.oauthIssuer).toBe('http://localhost:9090');
  });

  it('checks a recorded issuer as it checks a configured one', () => {
    const cwd = folder();
    load({ PORT: '8080' }, cwd);
    const path = join(cwd, '.fides/data/secrets.toml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^oauth_issuer = .*$/m, 'oauth_issuer = "not a url"'));
    expect(() => load({}, cwd)).toThrow(new ConfigError(`${path}: security.oauth_issuer: not a URL: "not a url"`));
  });

  it('writes nothing when everything is configured', () => {
    const cwd = folder();
    expect(load(SECURE, cwd).security.generated).toBeNull();
    expect(() => statSync(join(cwd, '.fides'))).toThrow();
  });

  it('generates nothing when any value is refused, wherever its key sits in the table', () => {
    const refused: Record<string, string>[] = [
      { LOG_LEVEL: 'loud' },
      { FIDES__REDIS__URL: 'http://cache:6379' },
      { FIDES__SECURITY__CORS_ORIGINS: 'https://a.example/path' },
    ];
    for (const env of refused) {
      const cwd = folder();
      expect(() => load(env, cwd)).toThrow(ConfigError);
      expect(() => statSync(join(cwd, '.fides'))).toThrow();
    }
  });

  it('keeps the file beside the process for in-memory and PostgreSQL databases', () => {
    const cwd = folder();
    expect(load({ DATABASE_URL: 'pglite://memory' }, cwd).security.generated?.path).toBe(
      join(cwd, '.fides/secrets.toml'),
    );
  });
});

describe('weak secrets', () => {
  const ADVICE = 'use a random secret (openssl rand -base64 32)';
  const withSecret = (secret: string, warnings: string[] = [], cwd = folder()) =>
    load({ ...SECURE, FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: secret }, cwd, warnings);

  it('refuses a root client secret under 16 characters, naming the variable and never the value', () => {
    for (const secret of ['a', 'fifteen-chars!!']) {
      expect(() => withSecret(secret)).toThrow(
        new ConfigError(`FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: must be at least 16 characters; ${ADVICE}`),
      );
    }
    expect(() => withSecret('hunter2-hunter2')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('names the TOML key when the secret comes from the file, and leaves no generated file behind', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'fides.toml'), '[security]\noauth_root_client_secret = "a"\n');
    expect(() => load({}, cwd)).toThrow(
      new ConfigError(`security.oauth_root_client_secret: must be at least 16 characters; ${ADVICE}`),
    );
    expect(() => statSync(join(cwd, '.fides'))).toThrow();
  });

  it('counts characters, not bytes', () => {
    // 15 characters, 30 bytes: still too short.
    expect(() => withSecret('é'.repeat(15))).toThrow(/must be at least 16 characters/);
    expect(withSecret('é'.repeat(16)).security.oauthRootClientSecret).toBe('é'.repeat(16));
  });

  it('starts with a warning from 16 to 31 characters, without one from 32', () => {
    for (const secret of ['x'.repeat(16), 'x'.repeat(31)]) {
      const warnings: string[] = [];
      expect(withSecret(secret, warnings).security.oauthRootClientSecret).toBe(secret);
      expect(warnings).toEqual([`FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: shorter than 32 characters; ${ADVICE}`]);
    }
    const warnings: string[] = [];
    withSecret('x'.repeat(32), warnings);
    expect(warnings).toEqual([]);
  });

  it('warns about an encryption key with fewer than 10 distinct characters, never saying how few', () => {
    const warningFor = (key: string) => {
      const warnings: string[] = [];
      load({ ...SECURE, FIDES__SECURITY__APP_ENCRYPTION_KEY: key }, folder(), warnings);
      return warnings;
    };
    const warning =
      'FIDES__SECURITY__APP_ENCRYPTION_KEY: fewer than 10 distinct characters, so it is easy to guess; use a random key (openssl rand -base64 24)';
    expect(warningFor('a'.repeat(32))).toEqual([warning]);
    expect(warningFor('abcdefghi'.repeat(4).slice(0, 32))).toEqual([warning]);
    expect(warningFor('abcdefghij'.repeat(4).slice(0, 32))).toEqual([]);
  });

  it('checks a hand-edited secrets file the same way, naming the file', () => {
    const cwd = folder();
    const path = join(cwd, '.fides/data/secrets.toml');
    mkdirSync(join(cwd, '.fides/data'), { recursive: true });
    writeFileSync(
      path,
      `[security]\noauth_root_client_id = "root"\noauth_root_client_secret = "short"\napp_encryption_key = "${'a'.repeat(32)}"\n`,
    );
    expect(() => load({}, cwd)).toThrow(
      new ConfigError(`oauth_root_client_secret in ${path}: must be at least 16 characters; ${ADVICE}`),
    );

    writeFileSync(
      path,
      `[security]\noauth_root_client_id = "root"\noauth_root_client_secret = "${'s'.repeat(20)}"\napp_encryption_key = "${'a'.repeat(32)}"\n`,
    );
    const warnings: string[] = [];
    load({}, cwd, warnings);
    expect(warnings).toEqual([
      `oauth_root_client_secret in ${path}: shorter than 32 characters; ${ADVICE}`,
      `app_encryption_key in ${path}: fewer than 10 distinct characters, so it is easy to guess; use a random key (openssl rand -base64 24)`,
    ]);
  });

  it('never warns about values it generated itself', () => {
    for (let run = 0; run < 20; run += 1) {
      const warnings: string[] = [];
      load({}, folder(), warnings);
      expect(warnings).toEqual([]);
    }
  });
});
