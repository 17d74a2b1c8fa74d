import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPinia, setActivePinia } from 'pinia';
import { type Namespace, Server, type ServerOptions, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';

/**
 * A real Socket.IO server on an ephemeral port, with a tenant namespace whose middleware
 * refuses tokens the way the ERP server does (`err.data = { code, message }`).
 */
interface Harness {
  url: string;
  nsp: Namespace;
  sockets: ServerSocket[];
  close(): Promise<void>;
}

let harness: Harness | undefined;

async function startServer(options: Partial<ServerOptions> = {}): Promise<Harness> {
  const http: HttpServer = createServer();
  const io = new Server(http, options);
  const nsp = io.of(/^\/t\/[a-z0-9-]+$/);
  const sockets: ServerSocket[] = [];
  // 'busy' is refused as too many connections at once twice, then let in.
  let busyRefusals = 2;
  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: string }).token;
    const refusal: Record<string, string> = {
      expired: 'TOKEN_EXPIRED',
      revoked: 'TOKEN_REVOKED',
      stranger: 'WRONG_TENANT',
    };
    if (token === 'busy' && busyRefusals-- > 0) refusal.busy = 'RATE_LIMITED';
    const code = token ? refusal[token] : 'UNAUTHENTICATED';
    if (!code) return next();
    const err = new Error('refused') as Error & { data: unknown };
    err.data = { code, message: `mensaje del servidor: ${code}` };
    next(err);
  });
  nsp.on('connection', (socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  harness = {
    url: `http://127.0.0.1:${port}`,
    nsp: nsp as unknown as Namespace,
    sockets,
    close: () =>
      new Promise((resolve) => {
        io.close(() => resolve());
      }),
  };
  return harness;
}

function until(check: () => boolean, ms = 3000): Promise<void> {
  return vi.waitFor(() => expect(check()).toBe(true), { timeout: ms, interval: 10 });
}

const user = {
  id: '7b0e8a39-4c2a-4f77-9d1e-2f3c3b7a1a10',
  membershipId: '0c5e7d2a-9b1f-4e36-8a47-5d2c1f3e4b60',
  email: 'ana@minimarket.cl',
  name: 'Ana',
  role: 'cashier',
  storeId: null,
  active: true,
  approvalPin: false,
} as const;

async function connected(h: Harness, token = 'good') {
  setActivePinia(createPinia());
  const realtime = useRealtimeStore();
  realtime.connect({
    tenantSlug: 'acme',
    token,
    screen: 'pos',
    socket: { url: h.url, reconnectionDelay: 20, reconnectionDelayMax: 50 },
  });
  return realtime;
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  vi.restoreAllMocks();
});

describe('realtime store: incoming events', () => {
  it('dispatches a valid notification and drops malformed and unknown ones', async () => {
    const h = await startServer();
    const realtime = await connected(h);
    const received: unknown[] = [];
    realtime.addEventListener('user:created', (payload) => received.push(payload));
    await until(() => realtime.isConnected);
    vi.spyOn(console, 'warn').mockImplementation(() => {});

    const server = h.sockets[0]!;
    server.emit('user:created', { ...user, email: undefined }); // malformed: email missing
    server.emit('user:created', { ...user, role: 'emperor' }); // malformed: unknown role
    server.emit('no-such:event', { anything: true }); // not in the contract
    server.emit('user:created', user);
    await until(() => received.length === 1);

    // Events arrive in order, so the three bad ones were handled before the good one.
    expect(received).toEqual([user]);
    expect(realtime.droppedEvents).toBe(3);
    realtime.disconnect();
  });

  it('stops calling a handler after its unsubscribe function runs', async () => {
    const h = await startServer();
    const realtime = await connected(h);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = realtime.addEventListener('user:created', (p) => first.push(p));
    realtime.addEventListener('user:created', (p) => second.push(p));
    await until(() => realtime.isConnected);

    h.sockets[0]!.emit('user:created', user);
    await until(() => second.length === 1);
    off();
    h.sockets[0]!.emit('user:created', { ...user, name: 'Berta' });
    await until(() => second.length === 2);

    expect(first).toHaveLength(1);
    expect(second.map((u) => (u as { name: string }).name)).toEqual(['Ana', 'Berta']);
    realtime.disconnect();
  });
});

describe('realtime store: the store node', () => {
  it("keeps the hub's node:state, and re-reads the snapshots when the hub reaches the central server again", async () => {
    const h = await startServer();
    const realtime = await connected(h);
    let resyncs = 0;
    realtime.onResync(() => {
      resyncs++;
    });
    await until(() => resyncs === 1);
    expect(realtime.nodeState).toBeNull(); // straight to the central server: no store node

    const since = '2025-03-04T13:05:00.000Z';
    h.sockets[0]!.emit('node:state', { online: false, since, pendingSales: 0 });
    await until(() => realtime.nodeState?.online === false);
    expect(realtime.nodeState).toEqual({ online: false, since, pendingSales: 0 });
    expect(resyncs).toBe(1); // the page's own connection never dropped

    h.sockets[0]!.emit('node:state', { online: true, since: '2025-03-04T13:20:00.000Z', pendingSales: 0 });
    await until(() => resyncs === 2);
    expect(realtime.nodeState?.online).toBe(true);
    realtime.disconnect();
    expect(realtime.nodeState).toBeNull();
  });
});

describe('realtime store: resync', () => {
  it('runs the resync callbacks on the first connect and on every reconnect that did not recover', async () => {
    const h = await startServer(); // no connection state recovery: every reconnect is a fresh session
    const realtime = await connected(h);
    let resyncs = 0;
    realtime.onResync(() => {
      resyncs++;
    });
    await until(() => resyncs === 1);
    expect(realtime.recovered).toBe(false);

    h.sockets[0]!.conn.close(); // the transport drops; the client reconnects by itself
    await until(() => realtime.isConnected && resyncs === 2);
    expect(realtime.recovered).toBe(false);
    realtime.disconnect();
  });

  it('skips the resync when Socket.IO recovered the session, and runs late registrations at once', async () => {
    const h = await startServer({
      connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
    });
    const realtime = await connected(h);
    let resyncs = 0;
    realtime.onResync(() => {
      resyncs++;
    });
    const received: unknown[] = [];
    realtime.addEventListener('user:created', (p) => received.push(p));
    await until(() => resyncs === 1);
    // Recovery needs an offset: the client must have received at least one event.
    h.sockets[0]!.emit('user:created', user);
    await until(() => received.length === 1);

    h.sockets[0]!.conn.close();
    await until(() => h.sockets.length === 2 && realtime.isConnected);
    expect(realtime.recovered).toBe(true);
    expect(resyncs).toBe(1);

    let late = 0;
    realtime.onResync(() => {
      late++;
    });
    await until(() => late === 1);
    realtime.disconnect();
  });

  it('keeps the other callbacks running when one fails', async () => {
    const h = await startServer();
    const realtime = await connected(h);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    let ok = 0;
    realtime.onResync(() => Promise.reject(new Error('snapshot failed')));
    realtime.onResync(() => {
      ok++;
    });
    await until(() => ok === 1);
    await until(() => error.mock.calls.length === 1);
    realtime.disconnect();
  });
});

describe('realtime store: commands', () => {
  it('resolves with the server answer, parsed by the shared result schema', async () => {
    const h = await startServer();
    h.nsp.on('connection', (socket) => {
      socket.on('session:info', (_payload: unknown, ack: (r: unknown) => void) =>
        ack({
          ok: true,
          data: { userId: user.id, tenantId: user.id, role: 'cashier', storeId: null, screen: 'pos' },
        }),
      );
      socket.on('store:list', (_payload: unknown, ack: (r: unknown) => void) =>
        ack({ ok: false, error: { code: 'FORBIDDEN', message: 'No puede ver las sucursales.' } }),
      );
      socket.on('user:list', (_payload: unknown, ack: (r: unknown) => void) =>
        ack({ ok: true, data: [{ id: 'not-a-uuid' }] }),
      );
      socket.on('catalog:snapshot', (_payload: unknown, ack: (r: unknown) => void) =>
        ack({ ok: false, error: { code: 'PRICE_CHANGED', message: 'Cambiaron.', details: { changes: [] } } }),
      );
    });
    const realtime = await connected(h);
    await until(() => realtime.isConnected);

    const info = await realtime.command('session:info', {});
    expect(info).toEqual({
      ok: true,
      data: { userId: user.id, tenantId: user.id, role: 'cashier', storeId: null, screen: 'pos' },
    });

    const refused = await realtime.command('store:list', {});
    expect(refused).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'No puede ver las sucursales.' },
    });

    // Details travel with the error (PRICE_CHANGED carries the current prices in them).
    expect(await realtime.command('catalog:snapshot', {})).toEqual({
      ok: false,
      error: { code: 'PRICE_CHANGED', message: 'Cambiaron.', details: { changes: [] } },
    });

    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const skewed = await realtime.command('user:list', {});
    expect(skewed.ok).toBe(false);
    if (!skewed.ok) expect(skewed.error.code).toBe('INTERNAL');
    realtime.disconnect();
  });

  it('maps no answer to TIMEOUT and no connection to OFFLINE, in Spanish', async () => {
    const h = await startServer(); // nobody answers session:info
    const realtime = await connected(h);
    await until(() => realtime.isConnected);

    const late = await realtime.command('session:info', {}, { timeoutMs: 100 });
    expect(late).toEqual({
      ok: false,
      error: {
        code: 'TIMEOUT',
        message: 'El servidor no respondió a tiempo. Revise si la operación se realizó antes de reintentar.',
      },
    });

    realtime.disconnect();
    const offline = await realtime.command('session:info', {});
    expect(offline).toEqual({
      ok: false,
      error: {
        code: 'OFFLINE',
        message: 'No hay conexión con el servidor. Revise la red e intente nuevamente.',
      },
    });
  });

  it('reports a connection lost while waiting for the answer', async () => {
    const h = await startServer();
    h.nsp.on('connection', (socket) => {
      socket.on('session:info', () => socket.conn.close()); // drops instead of answering
    });
    const realtime = await connected(h);
    await until(() => realtime.isConnected);

    const result = await realtime.command('session:info', {}, { timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TIMEOUT');
      expect(result.error.message).toMatch(/Se perdió la conexión/);
    }
    realtime.disconnect();
  });
});

describe('realtime store: refused handshakes', () => {
  it.each(['expired', 'revoked'])('ends the session when the token is %s', async (token) => {
    const h = await startServer();
    setActivePinia(createPinia());
    const session = useSessionStore();
    session.$patch({ token: 'abc', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const realtime = useRealtimeStore();
    realtime.connect({ tenantSlug: 'acme', token, socket: { url: h.url } });

    await until(() => realtime.fatalError !== null);
    const code = token === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_REVOKED';
    expect(realtime.fatalError?.code).toBe(code);
    expect(realtime.status).toBe('offline');
    expect(session.isAuthenticated).toBe(false);
    expect(session.notice).toEqual({ code, message: `mensaje del servidor: ${code}` });
    realtime.disconnect();
  });

  it('keeps the session on other refusals (wrong company) but reports them', async () => {
    const h = await startServer();
    setActivePinia(createPinia());
    const session = useSessionStore();
    session.$patch({ token: 'abc', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const realtime = useRealtimeStore();
    realtime.connect({ tenantSlug: 'acme', token: 'stranger', socket: { url: h.url } });

    expect(await realtime.whenConnected(3000)).toBe(false);
    expect(realtime.fatalError?.code).toBe('WRONG_TENANT');
    expect(session.isAuthenticated).toBe(true);
    realtime.disconnect();
  });

  it('tries again by itself when refused for too many connections at once', async () => {
    const h = await startServer();
    const realtime = await connected(h, 'busy');
    await until(() => realtime.isConnected);
    expect(realtime.fatalError).toBeNull();
    expect(h.sockets).toHaveLength(1);
    realtime.disconnect();
  });

  it('shows reconnecting, then offline, while the server is unreachable', async () => {
    const h = await startServer();
    const url = h.url;
    await h.close();
    harness = undefined;
    setActivePinia(createPinia());
    const realtime = useRealtimeStore();
    const seen = new Set<string>();
    realtime.$subscribe(() => seen.add(realtime.status));
    realtime.connect({
      tenantSlug: 'acme',
      token: 'good',
      socket: { url, reconnectionDelay: 10, reconnectionDelayMax: 20 },
    });
    await until(() => realtime.status === 'offline');
    expect(seen.has('reconnecting')).toBe(true);
    expect(realtime.fatalError).toBeNull();
    realtime.disconnect();
  });
});
