import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (memory-hard; ~tens of ms per hash on purpose). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * A hash of a random password, verified when the email is unknown so that a login attempt
 * takes the same time whether or not the account exists.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}
