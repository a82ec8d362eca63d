import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The stored private key cannot be decrypted: `app_encryption_key` changed, the row was altered (or its ciphertext
 * moved to another kid), or it is in the legacy format an older version wrote.
 */
export class KeyDecryptionError extends Error {
  override name = 'KeyDecryptionError';
}

const VERSION = 'v2';

/**
 * AES-256-GCM with the 32-byte `app_encryption_key`, the kid as additional authenticated data; output is
 * `v2.iv.ciphertext.tag`, each part base64url. Binding the kid means a row's ciphertext copied onto another row
 * fails to decrypt instead of signing under the wrong kid.
 */
export function encryptPrivateKey(plaintext: string, encryptionKey: string, kid: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(encryptionKey, 'utf8'), iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, ...[iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
}

/** Opens only the current format: a legacy row has had its chance to be upgraded at start. */
export function decryptPrivateKey(sealed: string, encryptionKey: string, kid: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new KeyDecryptionError(
      `signing key ${kid} is not in the ${VERSION} format (written by an older version, or altered); ` +
        'restart the server or run `npm run db:migrate` to upgrade keys stored by an older version',
    );
  }
  return open(parts.slice(1), encryptionKey, kid, Buffer.from(kid, 'utf8'));
}

/**
 * The current format of a stored private key: `null` when it already is, else the legacy `iv.ciphertext.tag`
 * (no additional data) re-encrypted as `v2`. Throws `KeyDecryptionError` when the legacy value does not open.
 */
export function upgradeSealedPrivateKey(sealed: string, encryptionKey: string, kid: string): string | null {
  const parts = sealed.split('.');
  if (parts[0] === VERSION) return null;
  if (parts.length !== 3) throw cannotDecrypt(kid);
  return encryptPrivateKey(open(parts, encryptionKey, kid, null), encryptionKey, kid);
}

/**
 * The plaintext of a stored private key if `encryptionKey` opens it, in the current or the legacy format; `null`
 * otherwise. For `keys reencrypt`, which must tell the old key's rows from the new key's.
 */
export function opensWith(sealed: string, encryptionKey: string, kid: string): string | null {
  const parts = sealed.split('.');
  try {
    if (parts.length === 4 && parts[0] === VERSION) return decryptPrivateKey(sealed, encryptionKey, kid);
    if (parts.length === 3) return open(parts, encryptionKey, kid, null);
  } catch (error) {
    if (!(error instanceof KeyDecryptionError)) throw error;
  }
  return null;
}

function open(parts: string[], encryptionKey: string, kid: string, aad: Buffer | null): string {
  const [iv, body, tag] = parts.map((part) => Buffer.from(part, 'base64url'));
  try {
    // Node accepts GCM tags as short as 4 bytes unless told otherwise, and a short tag is forgeable: ours are 16.
    if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) throw new Error('malformed');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(encryptionKey, 'utf8'), iv);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw cannotDecrypt(kid);
  }
}

function cannotDecrypt(kid: string): KeyDecryptionError {
  return new KeyDecryptionError(
    `signing key ${kid} cannot be decrypted with the configured app_encryption_key ` +
      '(was the key changed since the signing keys were created, or the row altered?). ' +
      'If the stored signing keys were encrypted with another app_encryption_key, run ' +
      '`npm run cli -- keys reencrypt --from-key <old key>` with the server stopped, or configure the old key again',
  );
}
