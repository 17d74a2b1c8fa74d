import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { AppError } from '../platform/app-error.ts';

/**
 * Argon2 is memory-hard on purpose (~tens of ms and MBs per hash), so a burst of logins or
 * supervisor approvals could take every thread and starve the process: at most HASHING_AT_ONCE
 * run at a time in the whole process, and once HASHING_QUEUE wait, more are refused at once.
 */
const HASHING_AT_ONCE = 4;
const HASHING_QUEUE = 64;
const hashing = pLimit(HASHING_AT_ONCE);

function limited<T>(work: () => Promise<T>): Promise<T> {
  if (hashing.pendingCount >= HASHING_QUEUE) return Promise.reject(new AppError('RATE_LIMITED'));
  return hashing(work);
}

/** Argon2id with the library's defaults. */
export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limited(() => verify(passwordHash, password).catch(() => false));
}

/**
 * A hash of a random password, verified when the email is unknown so that a login attempt
 * takes the same time whether or not the account exists.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  // A refused hash (RATE_LIMITED) must not become the decoy for good.
  decoy ??= hashPassword(`decoy-${Math.random()}`).catch((error: unknown) => {
    decoy = undefined;
    throw error;
  });
  return decoy;
}
