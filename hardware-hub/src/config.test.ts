import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const EXAMPLE = fileURLToPath(new URL('../hub.config.example.json', import.meta.url));

describe('hub configuration', () => {
  it('reads the example file with defaults, the token coming from the environment', () => {
    const config = loadConfig(EXAMPLE, { HUB_TOKEN: 'device-token' });
    expect(config.server.token).toBe('device-token');
    expect(config.printers[1]).toMatchObject({ codePage: 'wpc1252', pdf417: 'raster', paperWidthMm: 58 });
    expect(config.printers[0]?.connection).toEqual({ type: 'tcp', host: '192.168.1.50', port: 9100 });
    expect(config.scales[0]).toMatchObject({ protocol: 'toledo-8217', serial: {} });
  });

  it('runs from the environment alone and names what is missing', () => {
    const env = {
      HUB_SERVER_URL: 'http://localhost:3000',
      HUB_TENANT: 'demo',
      HUB_STORE_ID: '7d1b6c4e-4a8e-4b59-9a86-0f1c2a3b4c5d',
    };
    expect(() => loadConfig(undefined, env)).toThrow(/server\.token/);
    expect(loadConfig(undefined, { ...env, HUB_TOKEN: 't' }).printers).toEqual([]);
  });
});
