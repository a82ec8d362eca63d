import { createCipheriv, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  KeyDecryptionError,
  openKeyStore,
  prepareSigningKeys,
  reencryptSigningKeys,
  rotateSigningKey,
  verifyAccessToken,
} from '../../src/tokens/index.js';
import { decryptPrivateKey, encryptPrivateKey } from '../../src/tokens/key-encryption.js';
import { migrate } from '../../src/db/orm.js';
import { bearer, rootToken } from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp({}, { root: false });
let KEY: string;

beforeAll(() => {
  KEY = t.app.config.security.appEncryptionKey;
});

const sql = (query: string, params: unknown[] = []) => t.app.db.orm.em.fork().getConnection().execute(query, params);
const sealedOf = async (kid: string) =>
  (
    (await sql('select private_jwk_encrypted from signing_key where kid = ?', [kid])) as {
      private_jwk_encrypted: string;
    }[]
  )[0]!.private_jwk_encrypted;
const storeSealed = (kid: string, sealed: string) =>
  sql('update signing_key set private_jwk_encrypted = ? where kid = ?', [sealed, kid]);
const kids = async () =>
  ((await sql('select kid from signing_key order by activates_at, kid')) as { kid: string }[]).map((row) => row.kid);
const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
/** What the server runs at start (main.ts, cli.ts, db:migrate): migrations, then the signing-key step, under the lock. */
const startStep = () => migrate(t.app.db, () => prepareSigningKeys(t.app.db.orm.em, KEY));

/** What versions before v2 wrote: `iv.ciphertext.tag`, no additional authenticated data. */
function encryptLegacy(plaintext: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

describe('signing keys stored by an older version', () => {
  it('are refused by the key store until the start-time step re-encrypts them bound to their kid; their tokens still verify', async () => {
    const token = await rootToken(t.app);
    const kid = kidOf(token);
    expect(await kids()).toEqual([kid]);
    // The database as an older version left it: the same private key, encrypted without the kid.
    const privateJwk = decryptPrivateKey(await sealedOf(kid), KEY, kid);
    const legacy = encryptLegacy(privateJwk, KEY);
    await storeSealed(kid, legacy);

    await expect(openKeyStore(t.app.db.orm.em, KEY)).rejects.toThrow(
      new KeyDecryptionError(
        `signing key ${kid} is not in the v2 format (written by an older version, or altered); ` +
          'restart the server or run `npm run db:migrate` to upgrade keys stored by an older version',
      ),
    );

    await startStep();

    const upgraded = await sealedOf(kid);
    expect(upgraded).toMatch(/^v2\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(decryptPrivateKey(upgraded, KEY, kid)).toBe(privateJwk);
    // Upgraded in place: no second key was created.
    expect(await kids()).toEqual([kid]);

    const audience = { issuer: t.app.config.security.oauthIssuer, audience: t.app.config.security.oauthAudience };
    const reopened = await openKeyStore(t.app.db.orm.em, KEY);
    await expect(verifyAccessToken(reopened, audience, token)).resolves.toMatchObject({ kid, clientId: ROOT.clientId });
    await t.app.keys.refresh();
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);

    // The next start finds nothing to do.
    await startStep();
    expect(await sealedOf(kid)).toBe(upgraded);
  });

  it('stop the start, changing nothing, when the legacy value does not open with the configured key', async () => {
    const [kid] = await kids();
    const before = await sealedOf(kid!);
    const legacy = encryptLegacy(decryptPrivateKey(before, KEY, kid!), 'another-key-of-32-characters!!!!');
    await storeSealed(kid!, legacy);
    try {
      await expect(startStep()).rejects.toThrow(
        new KeyDecryptionError(
          `signing key ${kid} cannot be decrypted with the configured app_encryption_key ` +
            '(was the key changed since the signing keys were created, or the row altered?). ' +
            'If the stored signing keys were encrypted with another app_encryption_key, run ' +
            '`npm run cli -- keys reencrypt --from-key <old key>` with the server stopped, or configure the old key again',
        ),
      );
      expect(await sealedOf(kid!)).toBe(legacy);
    } finally {
      await storeSealed(kid!, before);
    }
  });
});

describe('a signing-key row altered in the database', () => {
  it('makes the key store refuse to open when one row’s ciphertext is copied onto another kid', async () => {
    const { kid: second } = await rotateSigningKey(t.app.db.orm.em, KEY, {
      activatesAt: new Date(),
      tokenLifetimeSeconds: 3600,
    });
    await t.app.keys.refresh();
    const [first] = await kids();
    const original = await sealedOf(second);
    await storeSealed(second, await sealedOf(first!));
    try {
      const refused = new KeyDecryptionError(
        `signing key ${second} cannot be decrypted with the configured app_encryption_key ` +
          '(was the key changed since the signing keys were created, or the row altered?). ' +
          'If the stored signing keys were encrypted with another app_encryption_key, run ' +
          '`npm run cli -- keys reencrypt --from-key <old key>` with the server stopped, or configure the old key again',
      );
      await expect(openKeyStore(t.app.db.orm.em, KEY)).rejects.toThrow(refused);
      // A running server keeps the keys it has rather than take the altered set.
      await expect(t.app.keys.refresh()).rejects.toThrow(refused);
      expect(t.app.keys.has(second)).toBe(true);
    } finally {
      await storeSealed(second, original);
    }
    await expect(openKeyStore(t.app.db.orm.em, KEY)).resolves.toBeDefined();
  });

  it('is refused too when a legacy ciphertext was moved before the upgrade: its public key no longer matches', async () => {
    const [first, second] = await kids();
    const originals = [await sealedOf(first!), await sealedOf(second!)] as const;
    // Legacy values carry no kid, so the upgrade cannot tell a moved one; the key pair can.
    await storeSealed(second!, encryptLegacy(decryptPrivateKey(originals[0], KEY, first!), KEY));
    try {
      await startStep();
      await expect(openKeyStore(t.app.db.orm.em, KEY)).rejects.toThrow(
        new KeyDecryptionError(
          `signing key ${second}: the stored public key does not match its private key (was the row altered?)`,
        ),
      );
    } finally {
      await storeSealed(second!, originals[1]);
    }
  });

  it('makes the key store refuse to open when a public key is replaced, so nobody can publish a key of their own under our kid', async () => {
    const [first] = await kids();
    const [row] = (await sql('select public_jwk from signing_key where kid = ?', [first])) as {
      public_jwk: Record<string, unknown>;
    }[];
    const original = JSON.stringify(row!.public_jwk);
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const forged = { ...row!.public_jwk, ...(await exportJWK(publicKey)) };
    await sql('update signing_key set public_jwk = ? where kid = ?', [JSON.stringify(forged), first]);
    try {
      await expect(openKeyStore(t.app.db.orm.em, KEY)).rejects.toThrow(
        new KeyDecryptionError(
          `signing key ${first}: the stored public key does not match its private key (was the row altered?)`,
        ),
      );
    } finally {
      await sql('update signing_key set public_jwk = ? where kid = ?', [original, first]);
    }
    await expect(openKeyStore(t.app.db.orm.em, KEY)).resolves.toBeDefined();
  });
});

// `npm run cli -- keys reencrypt`: from an old app_encryption_key to the configured one.
describe('re-encrypting the stored keys with another app_encryption_key', () => {
  it('moves rows under the old key (either format), leaves those under the new one, and refuses all or nothing', async () => {
    const OLD = randomBytes(24).toString('base64');
    const OTHER = randomBytes(24).toString('base64');
    await rotateSigningKey(t.app.db.orm.em, KEY, { activatesAt: new Date(), tokenLifetimeSeconds: 3600 });
    const all = await kids();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const [legacyKid, movedKid, keptKid] = all.slice(-3) as [string, string, string];
    const plaintexts = new Map<string, string>();
    for (const kid of all) plaintexts.set(kid, decryptPrivateKey(await sealedOf(kid), KEY, kid));
    const kept = await sealedOf(keptKid);
    // Every row but the last as the old key left it; one of them in the format before v2.
    for (const kid of all.filter((kid) => kid !== keptKid)) {
      await storeSealed(kid, encryptPrivateKey(plaintexts.get(kid)!, OLD, kid));
    }
    await storeSealed(legacyKid, encryptLegacy(plaintexts.get(legacyKid)!, OLD));
    await expect(openKeyStore(t.app.db.orm.em, KEY)).rejects.toThrow(KeyDecryptionError);

    // A row under a third key: nothing is written, the others stay under the old key.
    const movedBefore = await sealedOf(movedKid);
    await storeSealed(keptKid, encryptPrivateKey(plaintexts.get(keptKid)!, OTHER, keptKid));
    await expect(reencryptSigningKeys(t.app.db.orm.em, OLD, KEY)).rejects.toThrow(
      new KeyDecryptionError(
        `signing key ${keptKid} opens neither with --from-key nor with the configured app_encryption_key; ` +
          'nothing was changed',
      ),
    );
    expect(await sealedOf(movedKid)).toBe(movedBefore);
    await storeSealed(keptKid, kept);

    const result = await reencryptSigningKeys(t.app.db.orm.em, OLD, KEY);
    expect(result).toEqual({ reencrypted: all.filter((kid) => kid !== keptKid), unchanged: [keptKid] });
    expect(await sealedOf(keptKid)).toBe(kept);
    for (const kid of all) {
      const sealed = await sealedOf(kid);
      expect(sealed, kid).toMatch(/^v2\./);
      expect(decryptPrivateKey(sealed, KEY, kid), kid).toBe(plaintexts.get(kid));
    }
    await expect(openKeyStore(t.app.db.orm.em, KEY)).resolves.toBeDefined();
    // Twice is harmless.
    expect(await reencryptSigningKeys(t.app.db.orm.em, OLD, KEY)).toEqual({ reencrypted: [], unchanged: all });
  });
});
