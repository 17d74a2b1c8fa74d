/** SECRETS_KEY has no usable default: unset, nothing that seals secrets starts; all zeros, nothing starts outside tests. */
import { describe, expect, it } from 'vitest';
import { createServer } from '../app.ts';
import { loadConfig } from './config.ts';
import { LEGACY_ZERO_KEY, SecretBox } from './secrets.ts';

const ZERO_BASE64 = Buffer.alloc(32).toString('base64');
const RANDOM = 'a1'.repeat(32);

describe('SECRETS_KEY', () => {
  it('refuses the all-zero key (hex or base64) outside NODE_ENV=test', () => {
    for (const NODE_ENV of ['development', 'production', undefined]) {
      for (const SECRETS_KEY of [LEGACY_ZERO_KEY, ZERO_BASE64]) {
        expect(() => loadConfig({ NODE_ENV, SECRETS_KEY }), `${NODE_ENV} ${SECRETS_KEY}`).toThrow(
          /SECRETS_KEY: the all-zero key is refused/,
        );
      }
    }
    expect(loadConfig({ NODE_ENV: 'test', SECRETS_KEY: LEGACY_ZERO_KEY }).SECRETS_KEY).toBe(LEGACY_ZERO_KEY);
    expect(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: RANDOM }).SECRETS_KEY).toBe(RANDOM);
    // 64 hex characters are read as hex, even when they would also read as base64 zeros.
    expect(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: 'A'.repeat(64) }).SECRETS_KEY).toBe(
      'A'.repeat(64),
    );
  });

  it('has no default: the server and the secret box refuse to start without one', async () => {
    const config = loadConfig({ ...process.env, SECRETS_KEY: undefined });
    expect(config.SECRETS_KEY).toBeUndefined();
    expect(() => new SecretBox(config.SECRETS_KEY)).toThrow(/SECRETS_KEY is not set/);
    await expect(createServer(config)).rejects.toThrow(/SECRETS_KEY is not set/);
  });
});
