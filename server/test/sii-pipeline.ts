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
 * Waits until the worker gave up signing a sale's document for good (no certificate, an invalid
 * document) and returns the document's id: it must be `failed` with the reason, its sign job
 * failed in the queue.
 */
export async function documentFailedToSign(
  pipeline: TestPipeline,
  orm: MikroORM,
  tenantId: string,
  saleId: string,
  detail: string,
): Promise<string> {
  // Sign jobs carry batches of documents: the failed one is the job holding this sale.
  const failedJob = async () =>
    (await pipeline.worker.deps.queues.sign.getFailed()).find((j) =>
      j.data.documents.some((d) => d.saleId === saleId),
    );
  const deadline = Date.now() + 30_000;
  while (!(await failedJob())) {
    if (Date.now() > deadline) throw new Error(`the sign job of sale ${saleId} never failed`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const [doc] = await withTenant(orm, tenantId, (em) =>
    em.execute<{ id: string; state: string; detail: string | null }[]>(
      `select d.id, d.state, (select e.detail from dte_event e where e.document_id = d.id and e.state = 'failed') as detail
         from dte_document d where d.sale_id = ?`,
      [saleId],
    ),
  );
  if (doc?.state !== 'failed' || !doc.detail?.includes(detail)) {
    throw new Error(`the document of sale ${saleId} is ${JSON.stringify(doc)}, not failed with "${detail}"`);
  }
  return doc.id;
}
