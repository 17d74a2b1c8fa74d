import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JournaledSale, OfflineJournal } from './offline-journal.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offline-journal-'));
  dirs.push(dir);
  return join(dir, 'offline-sales.jsonl');
}

function sale(folio: number): Parameters<OfflineJournal['appendSale']>[0] {
  const saleId = randomUUID();
  return {
    offline: {
      sale: { saleId } as JournaledSale['offline']['sale'],
      cashierId: randomUUID(),
      leaseId: randomUUID(),
      docType: 39 as const,
      folio,
      issuedAt: new Date().toISOString(),
      prices: [],
      ted: '<TED/>',
      totals: { net: 0, iva: 0, exempt: 0, total: 0 },
    },
    result: { saleId, folio } as JournaledSale['result'],
    receipt: {},
  };
}

describe('offline sales journal', () => {
  it('keeps sales and outcomes across a restart; pending counts what is still to send', async () => {
    const path = journalPath();
    const journal = new OfflineJournal(path);
    await journal.load();
    const [a, b, c, d] = [sale(1), sale(2), sale(3), sale(4)];
    for (const s of [a, b, c, d]) await journal.appendSale(s);
    // Refused for good (the server lists it for a person): settled. A passing failure: sent again.
    await journal.appendOutcomes([
      { saleId: a.offline.sale.saleId, status: 'recorded' },
      { saleId: b.offline.sale.saleId, status: 'refused', error: { code: 'FOLIO_USED', message: 'x' } },
      { saleId: c.offline.sale.saleId, status: 'refused', error: { code: 'INTERNAL', message: 'y' } },
    ]);
    expect(journal.pending).toBe(2);
    await journal.close();

    const again = new OfflineJournal(path);
    await again.load();
    expect(again.all().map((s) => s.offline.folio)).toEqual([1, 2, 3, 4]);
    expect(again.unsynced().map((s) => s.offline.folio)).toEqual([3, 4]);
    expect(again.get(b.offline.sale.saleId)?.error?.code).toBe('FOLIO_USED');
    expect(again.pending).toBe(2);
    await again.close();
  });

  it('cuts off a line torn by a crash mid-write (never acknowledged) and appends after it cleanly', async () => {
    const path = journalPath();
    const journal = new OfflineJournal(path);
    await journal.load();
    const kept = sale(7);
    await journal.appendSale(kept);
    await journal.close();
    appendFileSync(path, '{"kind":"sale","offline":{"sale":{"saleId":"');

    const reopened = new OfflineJournal(path);
    await reopened.load();
    expect(reopened.all().map((s) => s.offline.folio)).toEqual([7]);
    await reopened.appendSale(sale(8));
    await reopened.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).offline.folio)).toEqual([7, 8]);
  });
});
