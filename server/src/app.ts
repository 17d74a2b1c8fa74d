import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyHttpOptions } from 'fastify';
import { registerAccountHandlers } from './accounts/index.ts';
import { registerAuditHandlers } from './audit/index.ts';
import { registerCashHandlers, registerCashHistoryHandlers } from './cash/index.ts';
import { registerCatalogHandlers, registerCatalogRoutes } from './catalog/index.ts';
import { deliverStoreReceipts, registerHardwareHandlers, registerHubHandlers } from './hardware/index.ts';
import { registerInventoryHandlers, registerValuationHandlers } from './inventory/index.ts';
import { registerMailHandlers } from './mail/index.ts';
import { AppError, httpStatusOf, toErrorPayload } from './platform/app-error.ts';
import type { Config } from './platform/config.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { initOrm } from './platform/orm.ts';
import { connectRedis } from './platform/redis.ts';
import { SecretBox } from './platform/secrets.ts';
import { registerPromotionHandlers } from './promotions/index.ts';
import { registerPurchasingHandlers, registerPurchasingHistoryHandlers } from './purchasing/index.ts';
import { AfterCommit } from './realtime/after-commit.ts';
import { BackgroundWork } from './realtime/background-work.ts';
import { CommandLimits } from './realtime/command-limits.ts';
import { HandshakeThrottle } from './realtime/handshake-throttle.ts';
import { HeavyReads } from './realtime/heavy-reads.ts';
import { createIo } from './realtime/io.ts';
import {
  type HandlerRegistrar,
  type HubHandlerRegistrar,
  setupTenantNamespaces,
} from './realtime/tenant-namespace.ts';
import { registerReportHandlers, registerWallHandlers, storeSalesChanged } from './reporting/index.ts';
import {
  registerParkedTicketHandlers,
  registerSalesHandlers,
  registerSalesHistoryHandlers,
} from './sales/index.ts';
import { registerDteDownloadRoutes } from './sii/dte-download.routes.ts';
import { SharedPdfRenderer } from './sii/dte-pdf.ts';
import { checkFolioAlertsAtStart } from './sii/index.ts';
import { registerSiiHandlers } from './sii/sii.handlers.ts';
import { registerStoreNodeHandlers, registerStoreNodeHubHandlers } from './store-node/index.ts';
import {
  ApprovalService,
  AuthService,
  registerAuthRoutes,
  registerTenancyHandlers,
} from './tenancy/index.ts';

/** Socket handlers of every domain, registered on each connection. */
const REGISTRARS: HandlerRegistrar[] = [
  registerTenancyHandlers,
  registerCashHandlers,
  registerSalesHandlers,
  registerAccountHandlers,
  registerParkedTicketHandlers,
  registerCatalogHandlers,
  registerPromotionHandlers,
  registerInventoryHandlers,
  registerPurchasingHandlers,
  registerHardwareHandlers,
  registerSiiHandlers,
  registerMailHandlers,
  // Back office reads: past sales and the audit log, cash sessions, stock at PPP, receipts, reports.
  registerSalesHistoryHandlers,
  registerAuditHandlers,
  registerCashHistoryHandlers,
  registerValuationHandlers,
  registerPurchasingHistoryHandlers,
  registerReportHandlers,
  registerWallHandlers,
  registerStoreNodeHandlers,
];

/** Handlers of store hub connections (device credentials). */
const HUB_REGISTRARS: HubHandlerRegistrar[] = [registerHubHandlers, registerStoreNodeHubHandlers];

/**
 * Composition root of the API process: HTTP (login, health, client files) and Socket.IO on one
 * port, sharing one ORM (and a second, small one for heavy reads) and one Redis connection.
 * Tests start it on port 0.
 */
export async function createServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)) {
  // First: without its key the server must not start, and has opened nothing yet.
  const secrets = new SecretBox(config.SECRETS_KEY);
  const orm = await initOrm(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const heavy = new HeavyReads(await initOrm(config.DATABASE_URL, config.READS_DATABASE_POOL_MAX, 0), {
    perTenant: config.HEAVY_READS_PER_TENANT,
    waitingPerTenant: config.HEAVY_READS_WAITING_PER_TENANT,
    cacheBytes: config.HEAVY_READS_CACHE_MB * 1024 * 1024,
  });
  const limits = new CommandLimits({
    socket: { perSecond: config.COMMAND_RATE_PER_SOCKET, burst: config.COMMAND_BURST_PER_SOCKET },
    tenant: { perSecond: config.COMMAND_RATE_PER_TENANT, burst: config.COMMAND_BURST_PER_TENANT },
    inFlight: config.COMMANDS_IN_FLIGHT_PER_SOCKET,
  });
  const handshakes = new HandshakeThrottle(
    {
      address: { perSecond: config.HANDSHAKE_RATE_PER_ADDRESS, burst: config.HANDSHAKE_BURST_PER_ADDRESS },
      tenant: { perSecond: config.HANDSHAKE_RATE_PER_TENANT, burst: config.HANDSHAKE_BURST_PER_TENANT },
    },
    config.TRUST_PROXY,
  );
  const redis = await connectRedis(config.REDIS_URL, (err) =>
    logger.warn({ err: err.message }, 'redis error'),
  );
  const auth = new AuthService(orm, redis, {
    tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
    redisPrefix: config.REDIS_PREFIX,
  });
  const approvals = new ApprovalService(orm, redis, { redisPrefix: config.REDIS_PREFIX });
  // Before any screen can load: the low-folio state it reads is current (a CAF may have expired
  // while no server ran). A failed check must not keep the tills closed: folio takes still flip it.
  await checkFolioAlertsAtStart(orm, logger).catch((err: unknown) =>
    logger.error({ err }, 'low-folio check at start failed'),
  );

  const options: FastifyHttpOptions<Server> = { logger: false, trustProxy: config.TRUST_PROXY };
  const app = Fastify(options);
  app.setErrorHandler((error, _request, reply) => {
    if (!(error instanceof AppError)) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status < 500) {
        return reply.code(400).send({ ok: false, error: AppError.validation(undefined).toPayload() });
      }
      logger.error({ err: error }, 'request failed');
    }
    const payload = toErrorPayload(error);
    return reply.code(httpStatusOf(payload.code)).send({ ok: false, error: payload });
  });

  const io = createIo(app.server, redis, `${config.REDIS_PREFIX}:socket.io`);
  const news = new AfterCommit(logger);
  // What follows a committed sale, return or reprint: its receipt goes to the store's hub (first,
  // so printing starts as soon as it can), and the walls read the store's figures again.
  const background = new BackgroundWork();
  const services = { orm, logger, background };
  for (const topic of [
    'sale:committed',
    'return:committed',
    'reprint:committed',
    'account-payment:committed',
  ] as const) {
    news.subscribe(topic, (store) => deliverStoreReceipts(store, services));
  }
  for (const topic of ['sale:committed', 'return:committed', 'account-payment:committed'] as const) {
    news.subscribe(topic, (store) => storeSalesChanged(store, services));
  }
  setupTenantNamespaces(
    io,
    {
      orm,
      auth,
      approvals,
      logger,
      secrets,
      news,
      heavy,
      limits,
      handshakes,
      hubCredentialTtlDays: config.HUB_CREDENTIAL_TTL_DAYS,
    },
    REGISTRARS,
    HUB_REGISTRARS,
  );
  registerAuthRoutes(app, auth, io);
  // Chromium for on-demand PDFs: launched by the first download that needs one.
  const pdfRenderer = new SharedPdfRenderer();
  registerDteDownloadRoutes(app, { orm, auth, renderer: pdfRenderer });
  registerCatalogRoutes(app, { orm, auth, heavy });

  // The store hubs' heartbeat (several a second across a chain's stores): answered by this
  // process alone, no database or Redis round trip; `/api/health` is the deep check.
  app.get('/api/ping', async () => ({ ok: true }));

  app.get('/api/health', async (_request, reply) => {
    const [db, cache] = await Promise.all([
      orm.em
        .fork()
        .execute('select 1')
        .then(() => 'ok' as const)
        .catch(() => 'error' as const),
      redis
        .ping()
        .then(() => 'ok' as const)
        .catch(() => 'error' as const),
    ]);
    const healthy = db === 'ok' && cache === 'ok';
    return reply
      .code(healthy ? 200 : 503)
      .send({ status: healthy ? 'ok' : 'degraded', database: db, redis: cache });
  });

  if (config.CLIENT_DIST && existsSync(config.CLIENT_DIST)) {
    await app.register(fastifyStatic, { root: config.CLIENT_DIST, index: ['index.html'] });
  }

  return {
    app,
    io,
    secrets,
    orm,
    heavy,
    redis,
    auth,
    logger,
    async listen(port = config.PORT, host = config.HOST) {
      await app.listen({ port, host });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async close() {
      io.close();
      await app.close();
      await background.close();
      await pdfRenderer.close();
      await heavy.close();
      await orm.close(true);
      await redis.quit().catch(() => undefined);
    },
  };
}

export type AppInstance = Awaited<ReturnType<typeof createServer>>;
