/**
 * Test helpers for the hardware domain: hub credentials, a socket playing a store's hub, and the
 * real hub process (`hardware-hub/src/main.ts --simulate`) as a child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubCredential } from '@erp/shared';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { connectClient, type TestClient } from './harness.ts';
import { waitUntil } from './wait.ts';

const HUB_MAIN = fileURLToPath(new URL('../../hardware-hub/src/main.ts', import.meta.url));

export async function issueHubCredential(admin: TestClient, storeId: string, name = 'Hub de prueba') {
  const issued = await admin.emitWithAck('hub:create-credential', { storeId, name });
  if (!issued.ok) throw new Error(JSON.stringify(issued.error));
  return issued.data as z.output<typeof HubCredential>;
}

/** A socket that connects with a hub credential, as the hub process does. */
export function connectHub(url: string, slug: string, credential: { token: string; storeId: string }) {
  return connectClient(url, slug, { token: credential.token, storeId: credential.storeId, screen: 'hub' });
}

/** A hub's command (hub → server), typed loosely: the hub contract is checked by the server. */
export function hubEmit(
  hub: TestClient,
  event: string,
  payload: unknown,
  timeoutMs = 3000,
): Promise<unknown> {
  const timed = hub.timeout(timeoutMs);
  return (timed.emitWithAck.bind(timed) as (e: string, p: unknown) => Promise<unknown>)(event, payload);
}

export interface HubProcess {
  child: ChildProcess;
  /** Every JSON log line the hub wrote so far. */
  logs(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real hub: in simulator mode, where receipts land as .txt + .png under
 * `dataDir/receipts`, or driving the given printers (the hub's configuration entries, e.g. a
 * fake TCP printer from hardware-hub/src/testing).
 */
export function startHubProcess(
  url: string,
  slug: string,
  credential: { token: string; storeId: string },
  dataDir: string,
  printers?: Record<string, unknown>[],
  /** More settings, e.g. `HUB_HTTP_PORT` to run it as the store node. */
  env: Record<string, string> = {},
): HubProcess {
  let args = ['--simulate'];
  if (printers) {
    const configPath = join(dataDir, 'hub.config.json');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(configPath, JSON.stringify({ printers }));
    args = ['--config', configPath];
  }
  const child = spawn(process.execPath, [HUB_MAIN, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      HUB_SERVER_URL: url,
      HUB_TENANT: slug,
      HUB_STORE_ID: credential.storeId,
      HUB_TOKEN: credential.token,
      HUB_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/** The store node's port, once the hub process logged it listening. */
/** The hub as its store's node on a loopback port of its own, offline after 2 s without the central server. */
export function startStoreNode(
  url: string,
  slug: string,
  credential: { token: string; storeId: string },
  dataDir: string,
  env: Record<string, string> = {},
): HubProcess {
  return startHubProcess(url, slug, credential, dataDir, undefined, {
    HUB_HTTP_PORT: '0',
    HUB_HTTP_HOST: '127.0.0.1',
    HUB_OFFLINE_AFTER_MS: '2000',
    ...env,
  });
}

export async function storeNodePort(hub: HubProcess, timeoutMs = 15_000): Promise<number> {
  let port = 0;
  await waitUntil(
    'the store node to listen',
    () => {
      const line = hub.logs().find((l) => l.msg === 'store node listening');
      port = Number(line?.port ?? 0);
      return port > 0;
    },
    timeoutMs,
    50,
  );
  return port;
}

/** What the store node tells its terminals: whether the central server answers, and what waits. */
export type NodeState = { online: boolean; since: string; pendingSales: number };

/** A terminal (a POS) connected to the store node, with every `node:state` it heard. */
export interface NodeTerminal {
  socket: Socket;
  states: NodeState[];
}

/** Connects a terminal to the store node at `nodeUrl` as the POS does (no reconnection of its own). */
export async function connectThroughNode(
  nodeUrl: string,
  slug: string,
  auth: { token: string; storeId?: string; screen?: string },
): Promise<NodeTerminal> {
  const socket = io(`${nodeUrl}/t/${slug}`, {
    auth: { screen: 'pos', ...auth },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  const states: NodeState[] = [];
  socket.on('node:state', (state: NodeState) => states.push(state));
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) => reject(error.data ?? error));
  });
  return { socket, states };
}

/** The hub's live leases as it keeps them on disk. */
export function heldLeases(
  dataDir: string,
): { leaseId: string; docType: number; from: number; to: number; cafXml: string }[] {
  return JSON.parse(readFileSync(join(dataDir, 'leases.json'), 'utf8')).leases;
}

/** Every receipt the simulated printer wrote, in order: its text and the path of its image. */
export function printedReceiptFiles(dataDir: string): { text: string; png: string }[] {
  const dir = join(dataDir, 'receipts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({
      text: readFileSync(join(dir, name), 'utf8'),
      png: join(dir, `${name.slice(0, -'.txt'.length)}.png`),
    }));
}

/** Text of every receipt the simulated printer wrote. */
export function printedReceipts(dataDir: string): string[] {
  return printedReceiptFiles(dataDir).map((r) => r.text);
}

/** Resolves once `check` returns true (usable in hooks, unlike expect.poll). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  await waitUntil('the condition', check, timeoutMs, 100);
}
