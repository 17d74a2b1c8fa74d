import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (CAF private keys, certificates): AES-256-GCM with the configured SECRETS_KEY.
 * Stored as `v1:<iv>:<tag>:<ciphertext>` in base64, so a database dump alone reveals nothing.
 * The tenant id is bound as associated data: a ciphertext copied to another tenant's row fails.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = /^[0-9a-f]{64}$/i.test(secretsKey)
      ? Buffer.from(secretsKey, 'hex')
      : Buffer.from(secretsKey, 'base64');
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
