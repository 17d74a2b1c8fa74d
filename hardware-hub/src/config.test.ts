import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { startFakeServer } from './testing/fake-server.ts';

const EXAMPLE = fileURLToPath(new URL('../hub.config.example.json', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const STORE_ID = '7d1b6c4e-4a8e-4b59-9a86-0f1c2a3b4c5d';
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

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
      HUB_STORE_ID: STORE_ID,
    };
    expect(() => loadConfig(undefined, env)).toThrow(/server\.token/);
    expect(loadConfig(undefined, { ...env, HUB_TOKEN: 't' }).printers).toEqual([]);
  });

  it('takes plain ws:// or http:// only to this machine; any other server needs wss:// or https://', () => {
    const env = (url: string) => ({
      HUB_SERVER_URL: url,
      HUB_TENANT: 'demo',
      HUB_STORE_ID: STORE_ID,
      HUB_TOKEN: 't',
    });
    for (const url of [
      'ws://192.0.2.10:3000',
      'http://192.0.2.10:3000',
      'ws://erp.example.cl',
      'ws://127.0.0.1.example.cl:3000',
      'ws://localhost.example.cl',
    ]) {
      expect(() => loadConfig(undefined, env(url)), url).toThrow(
        /server\.url: must use https:\/\/ or wss:\/\/ \(TLS\)/,
      );
    }
    expect(() => loadConfig(undefined, env('ftp://127.0.0.1/'))).toThrow(/https:\/\/, wss:\/\//);
    for (const url of [
      'ws://127.0.0.1:3000',
      'http://127.0.0.1:3000',
      'ws://127.8.9.10:3000',
      'http://localhost:3000',
      'ws://[::1]:3000',
      'wss://192.0.2.10:3000',
      'https://erp.example.cl',
    ]) {
      expect(loadConfig(undefined, env(url)).server.url, url).toBe(url);
    }
  });

  it('the hub process stops at start on ws:// to another machine, and connects over ws:// to 127.0.0.1', async () => {
    const server = await startFakeServer();
    const dir = mkdtempSync(join(tmpdir(), 'hub-url-'));
    dirs.push(dir);
    const children: ChildProcess[] = [];
    const run = (url: string) => {
      const child = spawn(process.execPath, [MAIN, '--simulate'], {
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          HUB_SERVER_URL: url,
          HUB_TENANT: server.tenant,
          HUB_STORE_ID: server.storeId,
          HUB_TOKEN: server.token,
          HUB_DATA_DIR: dir,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      return { child, output: () => output };
    };
    try {
      const refused = run('ws://192.0.2.10:3000');
      const [code] = await once(refused.child, 'exit', { signal: AbortSignal.timeout(15_000) });
      expect(code).toBe(1);
      const fatal = JSON.parse(refused.output().trim().split('\n').at(-1)!) as Record<string, string>;
      expect(fatal).toMatchObject({ msg: 'cannot start: invalid configuration' });
      expect(fatal.err).toMatch(/server\.url: must use https:\/\/ or wss:\/\//);

      run(server.url.replace('http://', 'ws://'));
      const hub = await server.connectedHub(15_000);
      expect(hub.handshake.auth).toMatchObject({ storeId: server.storeId, screen: 'hub' });
    } finally {
      for (const child of children) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      await server.close();
    }
  });
});
