/**
 * The key that seals secrets at rest (SECRETS_KEY) when the system runs on this machine through
 * `npm start`: 32 random bytes made on the first start and kept outside the repository, readable
 * by its owner only, so later starts, and fresh clones, find the data they sealed. Production
 * sets SECRETS_KEY itself.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The fixed key the test runners pass (NODE_ENV=test): never used outside tests. */
export const TEST_SECRETS_KEY = '7e57'.repeat(16);

/** `$XDG_CONFIG_HOME/erp-market/secrets.key`, or `~/.config/erp-market/secrets.key`. */
export function secretsKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'erp-market', 'secrets.key');
}

/** The machine's key from `file`, made there (mode 0600) when it does not exist yet. */
export function machineSecretsKey(file = secretsKeyFile()): { key: string; created: boolean } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fresh = randomBytes(32).toString('hex');
  try {
    // `wx`: two starts at once cannot both write a key; the second one reads the first's.
    writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return { key: fresh, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A copy restored with looser rights is narrowed back: the key opens every tenant's secrets.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(key)) {
    throw new Error(`${file} does not hold a secrets key (64 hex characters); restore it or remove it`);
  }
  return { key, created: false };
}
