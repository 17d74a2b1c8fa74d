/**
 * Sealing a CAF private key (RSASK) to one store hub, so a folio lease can travel to the hub and
 * rest on its disk without anyone else (a proxy, a log, a backup of the hub's journal) being able
 * to stamp with it [docs/sii-rules.md#caf]. The hub makes an X25519 key pair once, keeps the
 * private half, and sends the public half with its credential; the server seals each lease's key
 * to it with an ephemeral X25519 key (ECDH), HKDF-SHA256 and AES-256-GCM. The context (tenant,
 * hub device and lease ids) is the GCM additional data: a sealed key opens only for the lease it
 * was sealed for. Pure node:crypto, so the server and the hub use this same code.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { DteError } from './errors.ts';

export const LEASE_SEAL_ALGORITHM = 'X25519-HKDF-SHA256-A256GCM';
const INFO = Buffer.from('erp-market folio lease key v1');

/** A sealed value as it travels (all base64): the sender's ephemeral public key, salt, IV, ciphertext and tag. */
export interface SealedSecret {
  alg: typeof LEASE_SEAL_ALGORITHM;
  /** The ephemeral X25519 public key, raw 32 bytes. */
  epk: string;
  salt: string;
  iv: string;
  ct: string;
  tag: string;
}

/** The hub's key pair: the public half as sent (raw 32 bytes, base64) and the private half as PEM (PKCS#8). */
export function generateLeaseKeyPair(): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: rawPublicKey(publicKey),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

/** An X25519 public key from its raw base64 form; DteError when it is not one. */
export function leasePublicKey(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== raw) {
    throw new DteError('VALIDATION', 'La llave pública del hub no es una llave X25519 (32 bytes en base64).');
  }
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: bytes.toString('base64url') },
    format: 'jwk',
  });
}

function keyFor(shared: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, salt, INFO, 32));
}

/** Seals `secret` to the hub's public key (raw base64), bound to `context`. */
export function sealToHub(secret: string | Buffer, hubPublicKey: string, context: string): SealedSecret {
  const recipient = leasePublicKey(hubPublicKey);
  const ephemeral = generateKeyPairSync('x25519');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = keyFor(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), salt);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([
    cipher.update(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret),
    cipher.final(),
  ]);
  return {
    alg: LEASE_SEAL_ALGORITHM,
    epk: rawPublicKey(ephemeral.publicKey),
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Opens a sealed value with the hub's private key (PEM); DteError when it is not for this key or context. */
export function openSealed(sealed: SealedSecret, hubPrivateKeyPem: string, context: string): Buffer {
  if (sealed.alg !== LEASE_SEAL_ALGORITHM) {
    throw new DteError('VALIDATION', `Algoritmo de sellado desconocido: ${String(sealed.alg)}.`);
  }
  try {
    const privateKey = createPrivateKey(hubPrivateKeyPem);
    const shared = diffieHellman({ privateKey, publicKey: leasePublicKey(sealed.epk) });
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(shared, Buffer.from(sealed.salt, 'base64')),
      Buffer.from(sealed.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
  } catch (error) {
    if (error instanceof DteError) throw error;
    throw new DteError('VALIDATION', 'La llave del CAF no se puede abrir con la llave de este hub.');
  }
}

/** The context a lease's key is sealed with: tenant, hub device and lease, so it opens for that lease only. */
export function leaseSealContext(lease: { tenantId: string; deviceId: string; leaseId: string }): string {
  return `lease:${lease.tenantId}:${lease.deviceId}:${lease.leaseId}`;
}
