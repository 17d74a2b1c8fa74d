/**
 * Tills offline at the store node, with real processes: the central server as its own process
 * (killed with SIGKILL and started again) and the real hub process (`--simulate`: each receipt
 * lands as a file), POS sockets connected through it. While the central server is away, a
 * cashier's till takes cash in and out, reads its X report (the online figures plus the offline
 * sales and moves), closes with a counted amount (the Z receipt printed), opens a new session and
 * sells in it; the hub killed with SIGKILL keeps all of it. When the server is back it holds the
 * sessions, moves and closes once, in order with the sales, with the right tallies; sent again,
 * nothing doubles; a till opened offline while the terminal has another session at the central is
 * refused, never merged.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLP_DENOMINATIONS } from '@erp/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, nextEvent, type TestTenant, tokenFor } from '../../test/harness.ts';
import {
  connectHub,
  type HubProcess,
  hubEmit,
  issueHubCredential,
  printedReceipts,
  startStoreNode,
  storeNodePort,
  waitFor,
} from '../../test/hubs.ts';
import { openTill, type TestProduct, type Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { killableServer } from '../../test/server-process.ts';
import { waitUntil } from '../../test/wait.ts';
import { withTenant } from '../platform/orm.ts';

const LECHE = 1;

let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
const central = killableServer();
let credential: { token: string; storeId: string };
let dataDir: string;
let hub: HubProcess;
let cashierToken: string;
let supervisorToken: string;
/** The cashier's POS and a supervisor's, both through the hub. */
let pos: Socket;
let boss: Socket;
const sockets: Socket[] = [];
let online = true;

type Answer<T = Record<string, unknown>> = {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
};
type Totals = Record<string, number>;
type Session = { id: string; status: string; cashierId: string; openedAt: string; totals: Totals };

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(shop.server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function connectPos(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/t/${tenant.slug}`, {
    auth: { token, screen: 'pos' },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  socket.on('node:state', (state: { online: boolean }) => {
    if (socket === pos) online = state.online;
  });
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) => reject(error.data ?? error));
  });
  sockets.push(socket);
  return socket;
}

async function startHub(): Promise<void> {
  hub = startStoreNode(central.url, tenant.slug, credential, dataDir);
  const url = `http://127.0.0.1:${await storeNodePort(hub)}`;
  pos = await connectPos(url, cashierToken);
  boss = await connectPos(url, supervisorToken);
}

async function ask<T = Record<string, unknown>>(
  socket: Socket,
  event: string,
  payload: unknown,
): Promise<Answer<T>> {
  return (await socket.timeout(10_000).emitWithAck(event, payload)) as Answer<T>;
}

async function must<T = Record<string, unknown>>(
  socket: Socket,
  event: string,
  payload: unknown,
): Promise<T> {
  const answer = await ask<T>(socket, event, payload);
  expect(answer.ok, `${event}: ${JSON.stringify(answer.error)}`).toBe(true);
  return answer.data!;
}

/** A cash sale of one milk in the given session; answers what it kept in the drawer. */
async function sellMilk(sessionId: string): Promise<number> {
  const price = products[LECHE]!.price;
  const sold = await must<{ toPay: number }>(pos, 'sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: sessionId,
    lines: [{ productId: products[LECHE]!.id, quantity: '1', unitPrice: price }],
    payments: [{ method: 'cash', tendered: Math.ceil(price / 10) * 10 }],
  });
  return sold.toPay;
}

/** Bills and coins adding up to an amount (a multiple of $10). */
function denominationsOf(amount: number): Record<string, number> {
  const counts: Record<string, number> = {};
  let left = amount;
  for (const d of CLP_DENOMINATIONS) {
    if (left >= d) counts[String(d)] = Math.floor(left / d);
    left %= d;
  }
  expect(left).toBe(0);
  return counts;
}

interface JournalLine {
  kind: string;
  op?: { kind: string; opId: string };
}
const journal = (): JournalLine[] =>
  readFileSync(join(dataDir, 'offline-sales.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalLine);

const shop = useSellingFixture({ label: 'offtill', stock: '500', cafs: [[39, 1, 500]] });

beforeAll(async () => {
  ({ tenant, products, till } = shop);
  const admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  const saved = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 40, 41: 5, 33: 0 },
  });
  expect(saved.ok).toBe(true);
  credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  await central.start();
  dataDir = mkdtempSync(join(tmpdir(), 'offline-till-'));
  cashierToken = await tokenFor(central.url, tenant.emails.cashier);
  supervisorToken = await tokenFor(central.url, tenant.emails.supervisor);
  await startHub();
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await hub?.stop();
  await central.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** What the cash drawer of the first session took online, and then offline. */
const first = { onlineSale: 0, offlineSale: 0, closedAt: '', counted: 0 };
let drawerOpenedAt = '';
let second: Session;
let secondSale = 0;

describe('online', () => {
  it('learns the till as the server has it, every figure, whoever relays', async () => {
    first.onlineSale = await sellMilk(till.cashSessionId);
    await must(pos, 'cash:move', {
      sessionId: till.cashSessionId,
      kind: 'in',
      amount: 5000,
      reason: 'sencillo',
    });
    await waitFor(() => hub.logs().some((l) => l.msg === 'leases refreshed'), 20_000);
    await waitFor(() => {
      try {
        const known = JSON.parse(readFileSync(join(dataDir, 'tills.json'), 'utf8'));
        const session = known.tills.terminals.find((t: { id: string }) => t.id === till.terminalId)?.session;
        return session?.totals.cashIn === 5000 && session.totals.ticketCount === 1;
      } catch {
        return false;
      }
    }, 15_000);
    // Both sessions identified (who rings and who closes offline).
    await waitFor(
      () => (readFileSync(join(dataDir, 'known-sessions.json'), 'utf8').match(/userId/g) ?? []).length >= 2,
    );
  });
});

describe('offline', () => {
  it('takes cash in and out, and the X report adds the offline sales and moves to the online figures', async () => {
    await central.kill();
    await waitFor(() => !online, 10_000);
    const current = await must<Session>(pos, 'cash:current', { terminalId: till.terminalId });
    expect(current.id).toBe(till.cashSessionId);
    // The cashier counts blind offline too.
    expect(current.totals.expectedCash).toBeUndefined();
    expect(current.totals).toMatchObject({ openingFloat: 20000, cashIn: 5000, ticketCount: 1 });

    first.offlineSale = await sellMilk(till.cashSessionId);
    const out = await must<Session>(pos, 'cash:move', {
      sessionId: till.cashSessionId,
      kind: 'out',
      amount: 8000,
      reason: 'retiro a caja fuerte',
    });
    expect(out.totals).toMatchObject({ cashOut: 8000, ticketCount: 2 });
    await must(pos, 'cash:move', {
      sessionId: till.cashSessionId,
      kind: 'in',
      amount: 1000,
      reason: 'sencillo',
    });
    // The hub opens the drawer itself, for the server to audit when it is back.
    const drawer = await must<{ executedAt: string }>(pos, 'drawer:open', {
      terminalId: till.terminalId,
      reason: 'no_sale',
    });
    drawerOpenedAt = drawer.executedAt;
    const tooMuch = await ask(pos, 'cash:move', {
      sessionId: till.cashSessionId,
      kind: 'out',
      amount: 900_000,
      reason: 'retiro imposible',
    });
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const x = await must<Session>(boss, 'cash:report', { sessionId: till.cashSessionId });
    expect(x.totals).toMatchObject({
      openingFloat: 20000,
      cashSales: first.onlineSale + first.offlineSale,
      cashIn: 6000,
      cashOut: 8000,
      ticketCount: 2,
      expectedCash: 20000 + first.onlineSale + first.offlineSale + 6000 - 8000,
    });
  });

  it('closes with the counted amount (same answer shape, blind) and prints the Z receipt', async () => {
    first.counted = 20000 + first.onlineSale + first.offlineSale + 6000 - 8000;
    const report = await must<{
      session: Session;
      zNumber: number | null;
      countedCash: number;
      cashDifference?: number;
      closedAt: string;
    }>(pos, 'cash:close', {
      sessionId: till.cashSessionId,
      denominations: denominationsOf(first.counted),
      countedCard: 0,
    });
    expect(report).toMatchObject({
      countedCash: first.counted,
      zNumber: null,
      session: { status: 'closed' },
    });
    expect(report.cashDifference).toBeUndefined();
    first.closedAt = report.closedAt;
    await waitFor(() => printedReceipts(dataDir).some((t) => t.includes('C I E R R E')), 10_000);
    const receipt = printedReceipts(dataDir).find((t) => t.includes('C I E R R E'))!;
    expect(receipt).toMatch(/Efectivo contado\s+\$[\d.]+/);
    expect(receipt).not.toContain('Efectivo esperado'); // a cashier's count stays blind on paper too
    expect(await must(pos, 'cash:current', { terminalId: till.terminalId })).toBeNull();
  });

  it('opens a new session with a hub-made id, sells in it, and keeps all of it across a SIGKILL', async () => {
    second = await must<Session>(pos, 'cash:open', { terminalId: till.terminalId, openingFloat: 15000 });
    expect(second).toMatchObject({ status: 'open', totals: { openingFloat: 15000, ticketCount: 0 } });
    expect(second.id).not.toBe(till.cashSessionId);
    const again = await ask(pos, 'cash:open', { terminalId: till.terminalId, openingFloat: 1 });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    secondSale = await sellMilk(second.id);
    await must(pos, 'cash:move', { sessionId: second.id, kind: 'in', amount: 500, reason: 'sencillo' });

    await hub.stop('SIGKILL');
    await startHub();
    await waitFor(() => !online, 10_000);
    const kept = await must<Session>(boss, 'cash:current', { terminalId: till.terminalId });
    expect(kept).toMatchObject({
      id: second.id,
      totals: { openingFloat: 15000, cashSales: secondSale, cashIn: 500, ticketCount: 1 },
    });
    const closed = await must<Session>(boss, 'cash:report', { sessionId: till.cashSessionId });
    expect(closed).toMatchObject({ status: 'closed', totals: { ticketCount: 2, cashOut: 8000 } });
    // Journal order: S1's sale and moves, its close, S2's open, its sale, its move.
    const order = journal().flatMap((l) =>
      l.kind === 'sale' ? ['sale'] : l.kind === 'till' ? [l.op!.kind] : [],
    );
    expect(order).toEqual(['sale', 'move', 'move', 'close', 'open', 'sale', 'move']);
  }, 60_000);
});

describe('the central server comes back', () => {
  it('holds both sessions, the moves and the close once, in order with the sales', async () => {
    await central.start();
    await waitUntil(
      'the offline tills synchronised',
      async () => {
        const [row] = await query<{ n: number }>(
          `select count(*)::int as n from cash_session where id = ? and ticket_count = 1 and cash_in = 500`,
          [second.id],
        );
        return row!.n === 1;
      },
      60_000,
      200,
    );
    const [s1] = await query<Record<string, unknown>>(
      `select status, ticket_count, cash_sales::int, cash_in::int, cash_out::int, counted_cash::int,
              closed_at, z_number, offline_close_id from cash_session where id = ?`,
      [till.cashSessionId],
    );
    expect(s1).toMatchObject({
      status: 'closed',
      ticket_count: 2,
      cash_sales: first.onlineSale + first.offlineSale,
      cash_in: 6000,
      cash_out: 8000,
      counted_cash: first.counted,
    });
    expect(new Date(s1!.closed_at as string).toISOString()).toBe(first.closedAt);
    expect(s1!.z_number).toBeGreaterThan(0);
    const [s2] = await query<Record<string, unknown>>(
      `select status, terminal_id, cashier_id, opened_at, opening_float::int, cash_sales::int, ticket_count
         from cash_session where id = ?`,
      [second.id],
    );
    expect(s2).toMatchObject({
      status: 'open',
      terminal_id: till.terminalId,
      cashier_id: second.cashierId,
      opening_float: 15000,
      cash_sales: secondSale,
      ticket_count: 1,
    });
    expect(new Date(s2!.opened_at as string).toISOString()).toBe(second.openedAt);
    const audit = await query<{ op: string; device: string }>(
      `select details->>'op' as op, details->>'deviceId' as device from audit_log
        where kind = 'till_offline' order by id`,
    );
    expect(audit.map((a) => a.op)).toEqual(['move', 'move', 'close', 'open', 'move']);
    // The drawer opened offline, as the cashier at that till, marked as the store node's.
    const drawers = await waitUntil(
      'the offline drawer opening audited',
      async () => {
        const rows = await query<{ user_id: string; terminal_id: string; details: Record<string, unknown> }>(
          `select user_id, terminal_id, details from audit_log where kind = 'drawer_open'`,
        );
        return rows.length > 0 && rows;
      },
      20_000,
      200,
    );
    expect(drawers).toEqual([
      {
        user_id: tenant.users[tenant.emails.cashier],
        terminal_id: till.terminalId,
        details: expect.objectContaining({ reason: 'no_sale', executedAt: drawerOpenedAt, offline: true }),
      },
    ]);

    // Online again: the POS hears the central server's answer, the same session.
    await waitFor(() => online, 20_000);
    const current = await must<Session>(pos, 'cash:current', { terminalId: till.terminalId });
    expect(current.id).toBe(second.id);
  }, 90_000);

  it('sent again after a dropped connection, nothing doubles; a till opened offline over an online one is refused', async () => {
    const ops = journal()
      .filter((l) => l.kind === 'till')
      .map((l) => l.op!);
    // The store's one hub connection is the hub process's: stopped, the test plays the hub.
    await hub.stop();
    const socket = await connectHub(central.url, tenant.slug, credential);
    try {
      const again = (await hubEmit(socket, 'node:sync-till', { ops }, 15_000)) as Answer<{
        outcomes: { status: string }[];
      }>;
      expect(again.data!.outcomes.map((o) => o.status)).toEqual(Array(ops.length).fill('duplicate'));
      const [moves] = await query<{ n: number; total: number }>(
        `select count(*)::int as n, sum(amount)::int as total from cash_movement where session_id = any(?::uuid[])`,
        [`{${till.cashSessionId},${second.id}}`],
      );
      // Online in $5.000; offline out $8.000, in $1.000, in $500.
      expect(moves).toEqual({ n: 4, total: 14_500 });
      const [counts] = await query<{ s1: number; s2: number; audit: number }>(
        `select (select cash_in::int from cash_session where id = ?) as s1,
                (select cash_in::int from cash_session where id = ?) as s2,
                (select count(*)::int from audit_log where kind = 'till_offline') as audit`,
        [till.cashSessionId, second.id],
      );
      expect(counts).toEqual({ s1: 6000, s2: 500, audit: 5 });
      // The drawer openings sent again: each command id stays one entry.
      const logged = readFileSync(join(dataDir, 'offline-log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      const audited = (await hubEmit(socket, 'node:audit', { entries: logged }, 15_000)) as Answer<{
        recorded: number;
        duplicates: number;
      }>;
      expect(audited.data).toEqual({ recorded: 0, duplicates: 1, invalid: 0 });
      const [drawers] = await query<{ n: number }>(
        `select count(*)::int as n from audit_log where kind = 'drawer_open'`,
      );
      expect(drawers!.n).toBe(1);

      // A till operation recorded now tells the walls how much that drawer holds.
      const wall = await connectClient(central.url, tenant.slug, { token: supervisorToken, screen: 'wall' });
      try {
        const heard = nextEvent<{ changes: { sessionId: string; expectedCash?: number }[] }>(
          wall,
          'cash:changed',
          10_000,
        );
        const move = (await hubEmit(
          socket,
          'node:sync-till',
          {
            ops: [
              {
                kind: 'move',
                opId: randomUUID(),
                sessionId: second.id,
                userId: second.cashierId,
                at: new Date().toISOString(),
                moveKind: 'in',
                amount: 700,
                reason: 'sencillo',
              },
            ],
          },
          15_000,
        )) as Answer<{ outcomes: { status: string; session: { totals: { expectedCash: number } } }[] }>;
        expect(move.data!.outcomes[0]!.status).toBe('recorded');
        expect((await heard)?.changes).toEqual([
          expect.objectContaining({
            sessionId: second.id,
            expectedCash: move.data!.outcomes[0]!.session.totals.expectedCash,
          }),
        ]);
      } finally {
        wall.close();
      }

      // Another store's till is out of the hub's reach, also as a repeat of a known movement.
      const other = await openTill(
        central,
        tenant,
        tenant.stores[1]!.terminalIds[0]!,
        tenant.emails.cashier2,
      );
      sockets.push(other.socket as unknown as Socket);
      const [known] = await query<{ id: string }>('select id from cash_movement limit 1');
      for (const opId of [randomUUID(), known!.id]) {
        const foreign = (await hubEmit(
          socket,
          'node:sync-till',
          {
            ops: [
              {
                kind: 'move',
                opId,
                sessionId: other.cashSessionId,
                // A supervisor: allowed at any till of the hub's store, not at another store's.
                userId: tenant.users[tenant.emails.supervisor]!,
                at: new Date().toISOString(),
                moveKind: 'out',
                amount: 100,
                reason: 'retiro ajeno',
              },
            ],
          },
          15_000,
        )) as Answer<{ outcomes: { status: string; error?: { code: string } }[] }>;
        expect(foreign.data!.outcomes[0]).toMatchObject({
          status: 'refused',
          error: { code: 'STORE_SCOPE' },
        });
      }
      const [untouched] = await query<{ cash_out: number }>(
        'select cash_out::int from cash_session where id = ?',
        [other.cashSessionId],
      );
      expect(untouched!.cash_out).toBe(0);

      const sessionId = randomUUID();
      const conflict = (await hubEmit(
        socket,
        'node:sync-till',
        {
          ops: [
            {
              kind: 'open',
              opId: sessionId,
              sessionId,
              userId: second.cashierId,
              at: new Date().toISOString(),
              terminalId: till.terminalId,
              openingFloat: 1000,
            },
          ],
        },
        15_000,
      )) as Answer<{ outcomes: { status: string; error?: { code: string; message: string } }[] }>;
      expect(conflict.data!.outcomes[0]).toMatchObject({
        status: 'refused',
        error: { code: 'TILL_CONFLICT' },
      });
      expect(conflict.data!.outcomes[0]!.error!.message).toMatch(/ya tenía otra sesión en la central/);
      const [gone] = await query<{ n: number }>('select count(*)::int as n from cash_session where id = ?', [
        sessionId,
      ]);
      expect(gone!.n).toBe(0);
    } finally {
      socket.close();
    }
  }, 60_000);
});
