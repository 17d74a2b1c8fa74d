import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The all-zero key, once the configuration's default: what it sealed is as good as plain text.
 * The configuration refuses it outside tests; it is only ever opened to re-seal its old data.
 */
export const LEGACY_ZERO_KEY = '0'.repeat(64);

/** A configured key's bytes: 64 hex characters, else base64. */
const keyBytes = (key: string) =>
  /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');

/** A key of zero bytes only. */
export const isZeroKey = (key: string) => keyBytes(key).every((byte) => byte === 0);

/**
 * Secrets at rest (CAF private keys, certificates): AES-256-GCM with the configured SECRETS_KEY.
 * Stored as `v1:<iv>:<tag>:<ciphertext>` in base64, so a database dump alone reveals nothing.
 * The tenant id is bound as associated data: a ciphertext copied to another tenant's row fails.
 * Sealed values live in columns named `*_sealed` of tables with `id` and `tenant_id`: that is
 * how a key rotation finds every one of them (secrets-rotation.ts).
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `secretsKey` comes from the configuration, where it has no default: unset, nothing starts. */
  constructor(secretsKey: string | undefined) {
    if (!secretsKey) {
      throw new Error(
        'SECRETS_KEY is not set: set it to 32 random bytes (openssl rand -hex 32); `npm start` keeps one per machine',
      );
    }
    this.key = keyBytes(secretsKey);
    if (this.key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
  }

  seal(plain: Uint8Array | string, tenantId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(tenantId));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  open(sealed: string, tenantId: string): Buffer {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined)
      throw new Error('Unknown sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(tenantId));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
  }
}
