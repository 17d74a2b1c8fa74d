/** `npm start`'s key for this machine: made once, owner-only, outside the repository, then reused. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { machineSecretsKey, secretsKeyFile } from './secrets-key.ts';

const home = mkdtempSync(join(tmpdir(), 'erp-secrets-key-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the machine secrets key', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(secretsKeyFile({ XDG_CONFIG_HOME: '/x/conf', HOME: '/h' })).toBe('/x/conf/erp-market/secrets.key');
    expect(secretsKeyFile({ HOME: '/h' })).toBe('/h/.config/erp-market/secrets.key');
  });

  it('is made on the first start with mode 0600 and read back on the next', () => {
    const file = secretsKeyFile({ XDG_CONFIG_HOME: join(home, 'config') });
    const first = machineSecretsKey(file);
    expect(first.created).toBe(true);
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.key).not.toMatch(/^0+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(machineSecretsKey(file)).toEqual({ key: first.key, created: false });
    // Another machine (another config folder) gets a key of its own.
    expect(machineSecretsKey(join(home, 'other', 'secrets.key')).key).not.toBe(first.key);

    // A copy restored with looser rights is narrowed back; a file that holds no key is refused.
    chmodSync(file, 0o644);
    expect(machineSecretsKey(file).key).toBe(first.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'not a key\n');
    expect(() => machineSecretsKey(file)).toThrow(/does not hold a secrets key/);
  });
});
