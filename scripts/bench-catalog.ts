/**
 * `npm run bench:catalog`: a 50,000-product catalog (the demo generator, scaled) in a fresh
 * database, served by the real server; a socket.io client measures, round trip included:
 * barcode look-ups, name searches and the full catalog snapshot (time and size: the first one
 * reads and serializes it, the next ones get it from the server's cache). Also reports
 * how long seeding took. Env: PRODUCTS (50000), ROUNDS (200).
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { createServer } from '../server/src/app.ts';
import { demoProducts, seedDemoCatalog } from '../server/src/catalog/index.ts';
import { loadConfig } from '../server/src/platform/config.ts';
import { createLogger } from '../server/src/platform/logger.ts';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { connectClient, createTestTenant, tokenFor, UNLIMITED_COMMANDS } from '../server/test/harness.ts';
import { dropDatabase, ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const PRODUCTS = Number(process.env.PRODUCTS ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const DATABASE = 'erp_market_bench_catalog';

const ms = (ns: bigint) => Number(ns) / 1e6;
function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return `n=${sorted.length} mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)}, p95 ${at(0.95).toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)}`;
}
async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [ms(process.hrtime.bigint() - start), result];
}

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase(DATABASE, { fresh: true });
await migrateUp(urls.ownerUrl);
const config = loadConfig({
  ...process.env,
  ...UNLIMITED_COMMANDS,
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: 'erp-bench-catalog',
  // A fresh database, so a fresh key for its (unused) secrets.
  SECRETS_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'silent',
});
const server = await createServer(config, createLogger('silent'));
const port = await server.listen(0, '127.0.0.1');
const url = `http://127.0.0.1:${port}`;

try {
  const tenant = await createTestTenant(server, 'bench');
  const [seedMs] = await timed(() => seedDemoCatalog(server.orm, tenant.tenantId, PRODUCTS));
  // Fresh tables: give the planner statistics, as autovacuum would shortly after a big load.
  const owner = new pg.Client({ connectionString: urls.ownerUrl });
  await owner.connect();
  await owner.query('analyze');
  await owner.end();

  const socket = await connectClient(url, tenant.slug, {
    token: await tokenFor(url, tenant.emails.cashier),
    storeId: tenant.stores[0]!.id,
    screen: 'pos',
  });
  const products = demoProducts(PRODUCTS);
  const withBarcode = products.filter((p) => p.barcodes.length);
  const pick = (i: number) => withBarcode[(i * 7919) % withBarcode.length]!;

  const lookups: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [t, result] = await timed(() =>
      socket.emitWithAck('product:lookup', { code: pick(i).barcodes[0]! }),
    );
    if (!result.ok) throw new Error(`lookup failed: ${JSON.stringify(result.error)}`);
    lookups.push(t);
  }

  const QUERIES = [
    'leche',
    'coca cola',
    'galletas costa',
    'arroz tucapel 1 kg',
    'pan',
    'detergente liquido omo',
    'cafe',
    'queso gauda',
    'cerveza kunstmann',
    'palta',
    'jab',
    'vino carmenere gato',
    'yoghurt batido',
    'pack x7',
  ];
  const searches: number[] = [];
  let found = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const [t, result] = await timed(() =>
      socket.emitWithAck('product:search', { query: QUERIES[i % QUERIES.length]!, limit: 20 }),
    );
    if (!result.ok) throw new Error(`search failed: ${JSON.stringify(result.error)}`);
    found += result.data.length;
    searches.push(t);
  }

  const snapshots: number[] = [];
  let bytes = 0;
  let gzipped = 0;
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const [t, result] = await timed(() => socket.timeout(60_000).emitWithAck('catalog:snapshot', {}));
    if (!result.ok) throw new Error('snapshot failed');
    snapshots.push(t);
    const json = JSON.stringify(result.data);
    bytes = Buffer.byteLength(json);
    gzipped = gzipSync(json).length;
    count = result.data.products.length;
  }
  socket.close();

  console.log(
    `\ncatalog bench: ${PRODUCTS} products (${withBarcode.length} with barcodes), 3 warehouses, socket.io round trips on loopback`,
  );
  console.log(`  seed (products, suppliers, minimums, opening receipts): ${(seedMs / 1000).toFixed(1)} s`);
  console.log(`  barcode lookup   ${summary(lookups)}`);
  console.log(`  name search      ${summary(searches)} (${(found / ROUNDS).toFixed(1)} results on average)`);
  console.log(
    `  full snapshot    first ${snapshots[0]!.toFixed(0)} ms (read and serialized), then shared: ${summary(snapshots.slice(1))}; ${count} products, ${(bytes / 1e6).toFixed(2)} MB JSON (${(gzipped / 1e6).toFixed(2)} MB gzipped)`,
  );
} finally {
  await server.close();
  await dropDatabase(DATABASE);
}
