// @vitest-environment happy-dom
import type { PrinterStatus, PrintJobView } from '@erp/shared/events/index';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime } from '../test/fake-realtime.ts';
import { useHardwareStore } from './hardware.store.ts';

const storeId = crypto.randomUUID();
const terminalId = crypto.randomUUID();
const otherTerminal = crypto.randomUUID();
const now = () => new Date().toISOString();

function job(overrides: Partial<PrintJobView> = {}): PrintJobView {
  const saleId = crypto.randomUUID();
  return {
    jobId: saleId,
    saleId,
    terminalId,
    documentType: 39,
    folio: 10,
    isCopy: false,
    state: 'received',
    printerId: 'caja-1',
    createdAt: now(),
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    resolvedAt: null,
    ...overrides,
  };
}

function printer(overrides: Partial<PrinterStatus> = {}): PrinterStatus {
  return {
    printerId: 'caja-1',
    state: 'ready',
    paperNearEnd: false,
    pendingJobs: 0,
    at: now(),
    ...overrides,
  };
}

let server: ReturnType<typeof fakeRealtime>;
beforeEach(() => {
  setActivePinia(createPinia());
  server = fakeRealtime();
});

async function started(jobs: PrintJobView[] = [], printers: PrinterStatus[] = [printer()]) {
  server.on('print:overview', () => ({ hubOnline: true, printers, jobs }));
  const hardware = useHardwareStore();
  hardware.start(terminalId);
  await server.resync();
  return hardware;
}

describe('hardware store', () => {
  it("loads the terminal's jobs and follows their states, ignoring other terminals' jobs", async () => {
    const waiting = job();
    const hardware = await started([waiting]);
    expect(server.sent).toEqual([{ name: 'print:overview', payload: { terminalId } }]);
    expect(hardware.jobs.map((j) => j.jobId)).toEqual([waiting.jobId]);

    server.emit('print:state', {
      storeId,
      ...job({ terminalId: otherTerminal }),
      duplicate: false,
      at: now(),
    });
    expect(hardware.jobs).toHaveLength(1);

    server.emit('print:state', { storeId, ...waiting, state: 'sending', duplicate: false, at: now() });
    expect(hardware.jobs[0]?.state).toBe('sending');
    server.emit('print:state', { storeId, ...waiting, state: 'done', duplicate: false, at: now() });
    expect(hardware.jobs).toEqual([]);
    expect(hardware.lastPrinted?.jobId).toBe(waiting.jobId);
  });

  it('shows the printer that cannot print, and forgets printers when the hub goes away', async () => {
    const hardware = await started([], [printer({ printerId: 'caja-1' }), printer({ printerId: 'caja-2' })]);
    expect(hardware.printer?.printerId).toBe('caja-1');
    server.emit('printer:status', {
      storeId,
      ...printer({ printerId: 'caja-2', state: 'paper_out', paperNearEnd: true }),
    });
    expect(hardware.printer).toMatchObject({ printerId: 'caja-2', state: 'paper_out' });
    expect(hardware.printerBlocked).toBe(true);

    server.emit('hub:status', { storeId, online: false, since: now() });
    expect(hardware.hubOnline).toBe(false);
    expect(hardware.printer).toBeNull();
  });

  it('asks for a copy of an uncertain job and drops it once the server settles it', async () => {
    const uncertain = job({ state: 'uncertain' });
    const hardware = await started([uncertain]);
    expect(hardware.needsDecision.map((j) => j.jobId)).toEqual([uncertain.jobId]);

    const copy = job({ saleId: uncertain.saleId, isCopy: true, state: 'pending' });
    server.on('print:reprint', () => ({ jobId: copy.jobId, reprintOf: uncertain.saleId }));
    server.on('print:overview', () => ({ hubOnline: true, printers: [printer()], jobs: [copy] }));
    await hardware.reprint(uncertain);
    expect(server.sent.at(-2)).toEqual({
      name: 'print:reprint',
      payload: { saleId: uncertain.saleId, terminalId },
    });
    expect(hardware.needsDecision).toEqual([]);
    expect(hardware.jobs.map((j) => [j.jobId, j.isCopy])).toEqual([[copy.jobId, true]]);
  });

  it('dismisses an expired job, and keeps it with the reason when the server refuses', async () => {
    const expired = job({ state: 'expired' });
    const hardware = await started([expired]);
    server.on('print:dismiss', () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'Ya se resolvió.' },
    }));
    await hardware.dismiss(expired);
    expect(hardware.error).toMatchObject({ code: 'CONFLICT' });
    expect(hardware.jobs).toHaveLength(1);

    server.on('print:dismiss', () => ({ ...expired, resolvedAt: now() }));
    server.on('print:overview', () => ({ hubOnline: true, printers: [printer()], jobs: [] }));
    await hardware.dismiss(expired);
    expect(hardware.error).toBeNull();
    expect(hardware.jobs).toEqual([]);
  });

  it('opens the drawer for a sale and, when that failed, opens it without a sale (audited)', async () => {
    const hardware = await started();
    const saleId = crypto.randomUUID();
    server.on('drawer:open', () => ({
      ok: false,
      error: { code: 'DEVICE_UNAVAILABLE', message: 'El hub de la sucursal no está conectado.' },
    }));
    await hardware.openDrawerForSale(saleId);
    expect(server.sent.at(-1)).toEqual({
      name: 'drawer:open',
      payload: { terminalId, reason: 'sale', saleId },
    });
    expect(hardware.drawerFailure).toMatchObject({ error: { code: 'DEVICE_UNAVAILABLE' } });
    // The sale's one opening is used up: the server would refuse a second one for it.
    server.on('drawer:open', () => ({ commandId: crypto.randomUUID(), executedAt: now() }));
    await hardware.openDrawerAfterFailure();
    expect(server.sent.at(-1)).toEqual({ name: 'drawer:open', payload: { terminalId, reason: 'no_sale' } });
    expect(hardware.drawerFailure).toBeNull();
  });
});
