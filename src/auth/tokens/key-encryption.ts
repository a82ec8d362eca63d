import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The stored private key cannot be decrypted: `app_encryption_key` changed, or the row was altered. */
export class KeyDecryptionError extends Error {
  override name = 'KeyDecryptionError';
}

/** AES-256-GCM with the 32-byte `app_encryption_key`; output is `iv.ciphertext.tag`, each base64url. */
export function encryptPrivateKey(plaintext: string, encryptionKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(encryptionKey, 'utf8'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

export function decryptPrivateKey(sealed: string, encryptionKey: string, kid: string): string {
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  try {
    if (!iv || !body || !tag) throw new Error('malformed');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(encryptionKey, 'utf8'), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyDecryptionError(
      `signing key ${kid} cannot be decrypted with the configured app_encryption_key ` +
        '(was the key changed since the signing keys were created?)',
    );
  }
}
