import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifyToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  envNames,
  fidesName,
  loadConfig,
  renderConfigTable,
  withConfigTable,
  type Config,
  type KeyName,
  type TomlValue,
} from '../../src/config/index.js';

const SECURE: Record<string, string> = {
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'root',
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'root-secret-of-at-least-32-chars!',
  FIDES__SECURITY__APP_ENCRYPTION_KEY: '0123456789abcdef0123456789abcdef',
};

/** A valid value other than the default for every key; a key added to the table without one fails the first test. */
const SAMPLES: Record<KeyName, TomlValue> = {
  'security.oauth_root_client_id': 'sample-root',
  'security.oauth_root_client_secret': 'sample-secret-of-at-least-32-characters',
  'security.oauth_access_token_expire_minutes': 30,
  'security.app_encryption_key': 'abcdefghijklmnopqrstuvwxyz012345',
  'security.oauth_issuer': 'https://auth.example',
  'security.oauth_audience': 'fides',
  'database.url': 'pglite://memory',
  'webserver.host': '127.0.0.1',
  'webserver.port': 9000,
  'webserver.shutdown_drain_seconds': 1.5,
  'security.auth_rate_limit': '5/hour',
  'security.auth_ip_rate_limit': '7/second',
  'security.request_rate_limit': '100/second',
  'security.trust_forwarded_for': true,
  'security.trusted_proxies': ['loopback', '10.0.0.0/8'],
  'security.cors_origins': ['https://admin.example', 'http://localhost:3000'],
  'security.graphql_introspection': false,
  'logging.level': 'debug',
  'redis.url': 'redis://127.0.0.1:6379',
  'metrics.enabled': false,
  'audit.retention_days': 30,
};

const NAMES = Object.keys(CONFIG_KEYS) as KeyName[];
const README = new URL('../../README.md', import.meta.url);

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-config-table-'));
}

function tomlOf(name: KeyName, value: TomlValue): string {
  const [section, key] = name.split('.') as [string, string];
  return stringifyToml({ [section]: { [key]: value } });
}

function envOf(value: TomlValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Everything but where the file was found: the same settings from TOML or the environment give the same Config. */
function settings(config: Config): Config {
  return { ...config, configPath: null };
}

describe('the README configuration section', () => {
  it('is what the table generates (`npm run docs:emit` rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('has a row for every key except those kept only for old files, which their replacement documents', () => {
    const table = renderConfigTable();
    for (const name of NAMES) {
      const [section, key] = name.split('.') as [string, string];
      const row = table.split('\n').find((line) => line.startsWith(`| \`[${section}] ${key}\` |`));
      const { replacedBy } = CONFIG_KEYS[name];
      if (replacedBy === undefined) {
        expect(row, name).toContain(`\`${fidesName(name)}\``);
        for (const alias of CONFIG_KEYS[name].aliases ?? []) expect(row, name).toContain(`\`${alias}\``);
      } else {
        expect(row, name).toBeUndefined();
        expect(NAMES, name).toContain(replacedBy);
        const [, oldKey] = name.split('.') as [string, string];
        expect(CONFIG_KEYS[replacedBy as KeyName].doc, name).toContain(oldKey);
      }
    }
  });

  it('keeps every cell on one line and escapes the pipes GitHub would split on', () => {
    for (const name of NAMES) expect(CONFIG_KEYS[name].doc, name).not.toMatch(/\n/);
    expect(renderConfigTable()).toContain('`<n>/<second\\|minute\\|hour\\|day>`');
  });

  it('refuses a README without exactly one pair of markers', () => {
    expect(() => withConfigTable('# no markers\n')).toThrow(/config:begin/);
    expect(() => withConfigTable('<!-- config:begin -->\n<!-- config:end -->\n<!-- config:end -->\n')).toThrow(
      /config:begin/,
    );
  });
});

describe('every key in the table', () => {
  it('has a sample in this test', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...NAMES].sort());
  });

  it('has environment names of its own', () => {
    const all = NAMES.flatMap((name) => envNames(name));
    expect(new Set(all).size).toBe(all.length);
    for (const name of NAMES) expect(envNames(name).at(-1)).toBe(`FIDES__${name.replace('.', '__').toUpperCase()}`);
  });

  it.each(NAMES)('%s is read from fides.toml and from each of its environment names, alike', (name) => {
    const sample = SAMPLES[name];
    const cwd = folder();
    const base = Object.fromEntries(Object.entries(SECURE).filter(([variable]) => variable !== fidesName(name)));
    const load = (env: Record<string, string>) => settings(loadConfig({ env, cwd, warn: () => {} }));

    const unset = load(base);
    writeFileSync(join(cwd, 'fides.toml'), tomlOf(name, sample));
    const fromToml = load(base);
    rmSync(join(cwd, 'fides.toml'));

    expect(fromToml).not.toEqual(unset);
    for (const variable of envNames(name)) {
      expect(load({ ...base, [variable]: envOf(sample) }), variable).toEqual(fromToml);
    }
  });

  it.each(NAMES.filter((name) => CONFIG_KEYS[name].aliases?.length))(
    '%s: the FIDES__ name wins over an alias',
    (name) => {
      const cwd = folder();
      const fides = loadConfig({ env: { ...SECURE, [fidesName(name)]: envOf(SAMPLES[name]) }, cwd });
      // The alias holds the default, which differs from the sample.
      const other = CONFIG_KEYS[name].default;
      expect(other).toBeDefined();
      for (const alias of CONFIG_KEYS[name].aliases ?? []) {
        const both = loadConfig({
          env: { ...SECURE, [alias]: envOf(other!), [fidesName(name)]: envOf(SAMPLES[name]) },
          cwd,
        });
        expect(settings(both), alias).toEqual(settings(fides));
      }
    },
  );
});

describe('unknown keys', () => {
  it('still warn, in the file and in FIDES__ variables, while every key of the table is taken silently', () => {
    const cwd = folder();
    const sections: Record<string, Record<string, TomlValue>> = {};
    for (const name of NAMES) {
      const [section, key] = name.split('.') as [string, string];
      (sections[section] ??= {})[key] = SAMPLES[name];
    }
    // `constructor` is a name every plain object answers to; it must not pass for a key.
    sections.security = { ...sections.security, root_password: 'x', ['constructor']: 1 };
    sections.cellar = { wine: 1 };
    writeFileSync(join(cwd, 'fides.toml'), stringifyToml(sections));
    const env = Object.fromEntries(NAMES.map((name) => [fidesName(name), envOf(SAMPLES[name])]));

    const warnings: string[] = [];
    loadConfig({
      env: {
        ...env,
        FIDES__SECURITY__OAUTH_ISSUERR: 'x',
        FIDES__SECURITY__CONSTRUCTOR: 'x',
        FIDES__CELLAR__WINE: '1',
        PORTT: '1',
      },
      cwd,
      warn: (m) => warnings.push(m),
    });
    const path = join(cwd, 'fides.toml');
    expect(warnings.filter((warning) => warning.includes('unknown')).sort()).toEqual(
      [
        `${path}: unknown key security.root_password ignored`,
        `${path}: unknown key security.constructor ignored`,
        `${path}: unknown section [cellar] ignored`,
        'unknown environment variable FIDES__SECURITY__OAUTH_ISSUERR ignored',
        'unknown environment variable FIDES__SECURITY__CONSTRUCTOR ignored',
        'unknown environment variable FIDES__CELLAR__WINE ignored',
      ].sort(),
    );
  });
});
