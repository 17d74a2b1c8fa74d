import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';

export interface ReceivedEvent {
  event: string;
  payload: Record<string, unknown>;
}

/**
 * Plays the server's side of the hub contract: namespace `/t/<tenant>`, handshake check,
 * acks every hub command with `{ ok: true }`, records what the hub sent, and sends requests.
 */
export interface FakeServer {
  url: string;
  tenant: string;
  storeId: string;
  token: string;
  received: ReceivedEvent[];
  handshakes: Record<string, unknown>[];
  /** Refuse this many connection attempts before accepting (middleware error). */
  refuseNext(count: number): void;
  connectedHub(timeoutMs?: number): Promise<Socket>;
  request(
    event: string,
    payload: unknown,
    timeoutMs?: number,
  ): Promise<{ ok: boolean; data?: unknown; error?: { code: string } }>;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const tenant = 'demo';
  const storeId = '7d1b6c4e-4a8e-4b59-9a86-0f1c2a3b4c5d';
  const token = 'hub-device-token';
  const received: ReceivedEvent[] = [];
  const handshakes: Record<string, unknown>[] = [];
  let refusals = 0;
  let hub: Socket | null = null;
  const namespace = io.of(`/t/${tenant}`);
  namespace.use((socket, next) => {
    handshakes.push(socket.handshake.auth);
    if (refusals > 0) {
      refusals--;
      return next(new Error('UNAUTHENTICATED'));
    }
    const { auth } = socket.handshake;
    if (auth.token !== token || auth.storeId !== storeId || auth.screen !== 'hub')
      return next(new Error('FORBIDDEN'));
    next();
  });
  namespace.on('connection', (socket) => {
    hub = socket;
    socket.onAny((event: string, payload: Record<string, unknown>, ack?: (result: unknown) => void) => {
      received.push({ event, payload });
      ack?.({ ok: true, data: {} });
    });
    socket.on('disconnect', () => {
      if (hub === socket) hub = null;
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;

  async function connectedHub(timeoutMs = 10_000): Promise<Socket> {
    const deadline = Date.now() + timeoutMs;
    while (!hub?.connected) {
      if (Date.now() > deadline) throw new Error('the hub did not connect');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return hub;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    tenant,
    storeId,
    token,
    received,
    handshakes,
    refuseNext(count) {
      refusals = count;
    },
    connectedHub,
    async request(event, payload, timeoutMs = 10_000) {
      const socket = await connectedHub();
      return socket.timeout(timeoutMs).emitWithAck(event, payload);
    },
    async close() {
      io.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
