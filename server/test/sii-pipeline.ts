/**
 * The SII pipeline for tests that need documents to really move: a local SII simulator and an
 * in-process worker (relay, BullMQ jobs, PDF renderer) limited to the given tenants, so other test
 * files' sales in the shared database are never taken. The worker announces `dte:status` on the
 * API servers' Redis stream, so back-office sockets of the test server hear it live.
 */
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '../src/platform/logger.ts';
import { withTenant } from '../src/platform/orm.ts';
import { transition } from '../src/sii/dte-documents.ts';
import { type SiiWorker, startSiiWorker } from '../src/sii/sii.worker.ts';
import { SiiSimulator } from '../src/sii/simulator/simulator.ts';
import { testConfig } from './harness.ts';

export interface TestPipeline {
  simulator: SiiSimulator;
  worker: SiiWorker;
  close(): Promise<void>;
}

/** Fast polls, retries and envelope windows; timeouts generous for a busy shared machine. */
export async function startTestPipeline(tenantIds: string[]): Promise<TestPipeline> {
  const simulator = new SiiSimulator();
  const simulatorUrl = await simulator.listen();
  const config = testConfig({
    SII_SIMULATOR_URL: simulatorUrl,
    SII_STATUS_POLL_MS: '100',
    SII_RETRY_DELAY_MS: '200',
    SII_ENVELOPE_WINDOW_MS: '200',
    SII_HTTP_TIMEOUT_MS: '10000',
    SII_RELAY_TENANTS: tenantIds.join(','),
  });
  const worker = await startSiiWorker(
    config,
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'worker'),
    {
      queuePrefix: `erp-sii-${randomBytes(3).toString('hex')}-bull`,
    },
  );
  return {
    simulator,
    worker,
    async close() {
      await worker.close();
      await simulator.close();
    },
  };
}

/**
 * The sale's document as the worker leaves it when signing fails for good (no certificate, an
 * invalid document): `failed` with the reason, its first sign job failed in the queue. Today the
 * worker's failed signature rolls back the document row together with the error, so tests write
 * that row here; once the worker keeps it, this finds it there and changes nothing.
 */
export async function documentFailedToSign(
  pipeline: TestPipeline,
  orm: MikroORM,
  tenantId: string,
  saleId: string,
  detail: string,
): Promise<string> {
  const job = `sign-sale-${saleId}`;
  const deadline = Date.now() + 30_000;
  while (!(await (await pipeline.worker.deps.queues.sign.getJob(job))?.isFailed())) {
    if (Date.now() > deadline) throw new Error(`sign job ${job} never failed`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return withTenant(orm, tenantId, async (em) => {
    await em.execute(
      `insert into dte_document (id, tenant_id, sale_id, doc_type, folio, issued_at, total, state)
       select gen_random_uuid(), tenant_id, id, doc_type, folio, issued_at, total, 'stamped' from sale where id = ?
       on conflict do nothing`,
      [saleId],
    );
    const [doc] = await em.execute<{ id: string; state: string }[]>(
      'select id, state from dte_document where sale_id = ?',
      [saleId],
    );
    if (doc!.state === 'stamped') {
      await em.execute(
        `insert into dte_event (tenant_id, document_id, state, created_at)
         select current_tenant_id(), ?, 'stamped', issued_at from sale where id = ?`,
        [doc!.id, saleId],
      );
      await transition(em, ['stamped'], [{ id: doc!.id, state: 'failed', detail }]);
    }
    return doc!.id;
  });
}
