import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  KeyDecryptionError,
  upgradeSealedPrivateKey,
} from '../../src/tokens/key-encryption.js';

const KEY = 'Zk3v9Qx-Lp0aR7tWm2Yc8Hn5Bd1Gs4Ej';
const PLAINTEXT = JSON.stringify({ crv: 'Ed25519', d: 'private-part', x: 'public-part', kty: 'OKP' });

/** What versions before v2 wrote: `iv.ciphertext.tag`, no additional authenticated data. */
function encryptLegacy(plaintext: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

const cannotDecrypt = (kid: string) =>
  new KeyDecryptionError(
    `signing key ${kid} cannot be decrypted with the configured app_encryption_key ` +
      '(was the key changed since the signing keys were created, or the row altered?). ' +
      'If the stored signing keys were encrypted with another app_encryption_key, run ' +
      '`npm run cli -- keys reencrypt --from-key <old key>` with the server stopped, or configure the old key again',
  );
const notV2 = (kid: string) =>
  new KeyDecryptionError(
    `signing key ${kid} is not in the v2 format (written by an older version, or altered); ` +
      'restart the server or run `npm run db:migrate` to upgrade keys stored by an older version',
  );

/** Flips one bit in the decoded bytes of part `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0]! ^= 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('the v2 format', () => {
  it('round-trips under the same kid, as v2.iv.ciphertext.tag with a fresh IV each time', () => {
    const sealed = encryptPrivateKey(PLAINTEXT, KEY, 'kid-a');
    expect(sealed).toMatch(/^v2\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain('private-part');
    expect(decryptPrivateKey(sealed, KEY, 'kid-a')).toBe(PLAINTEXT);
    expect(encryptPrivateKey(PLAINTEXT, KEY, 'kid-a').split('.')[1]).not.toBe(sealed.split('.')[1]);
  });

  it('does not open under another kid: a ciphertext moved to another row is refused', () => {
    const sealed = encryptPrivateKey(PLAINTEXT, KEY, 'kid-a');
    expect(() => decryptPrivateKey(sealed, KEY, 'kid-b')).toThrow(cannotDecrypt('kid-b'));
    expect(() => decryptPrivateKey(sealed, KEY, 'kid-a ')).toThrow(KeyDecryptionError);
  });

  it('does not open with another encryption key', () => {
    const sealed = encryptPrivateKey(PLAINTEXT, KEY, 'kid-a');
    expect(() => decryptPrivateKey(sealed, 'another-key-of-32-characters!!!!', 'kid-a')).toThrow(
      cannotDecrypt('kid-a'),
    );
  });

  it('refuses any tampering: IV, ciphertext, tag, a truncated tag, a missing part', () => {
    const sealed = encryptPrivateKey(PLAINTEXT, KEY, 'kid-a');
    const [version, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    for (const altered of [
      tamper(sealed, 1),
      tamper(sealed, 2),
      tamper(sealed, 3),
      // GCM accepts tags shorter than 16 bytes unless told otherwise; a 4-byte tag would be forgeable.
      [version, iv, body, Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url')].join('.'),
      [version, iv, body, ''].join('.'),
      [version, iv, '', tag].join('.'),
    ]) {
      expect(() => decryptPrivateKey(altered, KEY, 'kid-a')).toThrow(cannotDecrypt('kid-a'));
    }
  });

  it('refuses the legacy format and anything without the v2 prefix', () => {
    const legacy = encryptLegacy(PLAINTEXT, KEY);
    expect(() => decryptPrivateKey(legacy, KEY, 'kid-a')).toThrow(notV2('kid-a'));
    const sealed = encryptPrivateKey(PLAINTEXT, KEY, 'kid-a');
    expect(() => decryptPrivateKey(sealed.replace(/^v2\./, 'v3.'), KEY, 'kid-a')).toThrow(notV2('kid-a'));
    expect(() => decryptPrivateKey(`${sealed}.extra`, KEY, 'kid-a')).toThrow(notV2('kid-a'));
    expect(() => decryptPrivateKey('', KEY, 'kid-a')).toThrow(notV2('kid-a'));
  });
});

describe('upgrading a stored value', () => {
  it('re-encrypts a legacy value as v2 bound to the kid, keeping the plaintext', () => {
    const upgraded = upgradeSealedPrivateKey(encryptLegacy(PLAINTEXT, KEY), KEY, 'kid-a');
    expect(upgraded).toMatch(/^v2\./);
    expect(decryptPrivateKey(upgraded!, KEY, 'kid-a')).toBe(PLAINTEXT);
    expect(() => decryptPrivateKey(upgraded!, KEY, 'kid-b')).toThrow(cannotDecrypt('kid-b'));
  });

  it('leaves a v2 value alone', () => {
    expect(upgradeSealedPrivateKey(encryptPrivateKey(PLAINTEXT, KEY, 'kid-a'), KEY, 'kid-a')).toBeNull();
  });

  it('refuses a legacy value that does not open: wrong encryption key, tampered, malformed', () => {
    const legacy = encryptLegacy(PLAINTEXT, KEY);
    expect(() => upgradeSealedPrivateKey(legacy, 'another-key-of-32-characters!!!!', 'kid-a')).toThrow(
      cannotDecrypt('kid-a'),
    );
    expect(() => upgradeSealedPrivateKey(tamper(legacy, 1), KEY, 'kid-a')).toThrow(cannotDecrypt('kid-a'));
    expect(() => upgradeSealedPrivateKey('not-a-sealed-value', KEY, 'kid-a')).toThrow(cannotDecrypt('kid-a'));
  });
});
