import { z } from 'zod';
import { isZeroKey } from './secrets.ts';

/**
 * Process configuration from environment variables, validated once at start. Every value but
 * SECRETS_KEY has a safe local default; `npm start` supplies the key on a fresh machine (see
 * scripts/secrets-key.ts), production sets it and overrides the rest.
 */
const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Serving role: not the table owner, no BYPASSRLS. */
  DATABASE_URL: z.string().url().default('postgres://erp_app:erp_app@127.0.0.1:5432/erp_market'),
  /**
   * Worker role: the serving role's rights plus the outbox and recovery functions that read
   * every tenant's queue (the web role cannot run them).
   */
  WORKER_DATABASE_URL: z.string().url().default('postgres://erp_worker:erp_worker@127.0.0.1:5432/erp_market'),
  /** Owner role: migrations only. */
  DATABASE_OWNER_URL: z.string().url().default('postgres://erp_owner:erp_owner@127.0.0.1:5432/erp_market'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * The heavy reads' own pool (catalog snapshots, sales reports), same role and row-level
   * security: a burst of them waits here instead of taking the connections sales need.
   */
  READS_DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(50).default(3),
  /**
   * Command budgets, in tokens (a plain command costs 1, heavy reads more, see `cost` in
   * realtime/commands.ts): each session's connections (a socket; its reconnections keep its
   * budget) and each tenant's may spend `BURST` at once and `RATE` a second on average; beyond,
   * a command is answered RATE_LIMITED without running. The socket's budget is above a person's
   * pace (a scanner at 20 codes a second, a wall refreshing, a screen opening with a dozen
   * reads); the tenant's lets one company's sockets together use only part of the process.
   */
  COMMAND_RATE_PER_SOCKET: z.coerce.number().positive().default(100),
  COMMAND_BURST_PER_SOCKET: z.coerce.number().positive().default(1000),
  COMMAND_RATE_PER_TENANT: z.coerce.number().positive().default(1000),
  COMMAND_BURST_PER_TENANT: z.coerce.number().positive().default(5000),
  /** Commands a socket may have running at once (a screen opening fires a handful). */
  COMMANDS_IN_FLIGHT_PER_SOCKET: z.coerce.number().int().min(1).default(32),
  /** Heavy reads one tenant may run at once in this process, and how many more may wait for them. */
  HEAVY_READS_PER_TENANT: z.coerce.number().int().min(1).default(2),
  HEAVY_READS_WAITING_PER_TENANT: z.coerce.number().int().min(0).default(32),
  /** Memory for heavy reads' answers serialized once and shared (catalog snapshots). */
  HEAVY_READS_CACHE_MB: z.coerce.number().min(0).default(64),
  /**
   * Socket handshakes (each reads the session and memberships) per client address and per
   * tenant, checked before any of that: enough for a chain's tills behind one proxy address
   * reconnecting at once after a restart (or a load test opening a thousand), while a loop of
   * handshakes is held to a rate the database shrugs off.
   */
  HANDSHAKE_RATE_PER_ADDRESS: z.coerce.number().positive().default(100),
  HANDSHAKE_BURST_PER_ADDRESS: z.coerce.number().positive().default(1000),
  HANDSHAKE_RATE_PER_TENANT: z.coerce.number().positive().default(200),
  HANDSHAKE_BURST_PER_TENANT: z.coerce.number().positive().default(2000),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Redis key prefix so several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().default('erp'),
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 60 * 60),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  /**
   * 32-byte key (hex or base64) for secrets at rest (CAF keys, certificates). No default: the
   * processes that seal or open secrets refuse to start without it (see SecretBox); `npm start`
   * passes the key it keeps for this machine, the test runners a fixed test key.
   */
  SECRETS_KEY: z
    .string()
    .refine((v) => /^[0-9a-f]{64}$/i.test(v) || Buffer.from(v, 'base64').length === 32, {
      message: 'SECRETS_KEY must be 32 bytes as 64 hex characters or base64',
    })
    .optional(),
  /** Days a hub device credential is valid from its issue; the back office renews it before then. */
  HUB_CREDENTIAL_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /**
   * Which proxies may set X-Forwarded-For (the client address the login throttle counts): off by
   * default, since the server is published directly; a hop count ("1") or a comma-separated list
   * of proxy addresses or CIDRs ("10.0.0.2,192.168.1.0/24") behind a reverse proxy.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v): boolean | string[] | ((address: string, hop: number) => boolean) => {
      const text = v.trim();
      if (text === '') return false;
      // A hop count trusts that many proxies in front of the server, whatever their address.
      if (/^\d+$/.test(text)) return (_address, hop) => hop < Number(text);
      return text.split(',').map((s) => s.trim());
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLIENT_DIST: z.string().optional(),
  /** Where DTEs go: the local simulator, or the SII (certification forces every tenant to maullin/apicert). */
  SII_ENVIRONMENT: z.enum(['simulator', 'certification', 'production']).optional(),
  SII_SIMULATOR_URL: z.string().url().default('http://127.0.0.1:3100'),
  /**
   * Folder of the SII's public keys that sign CAFs, one file per key id named `<IDK>.cer`,
   * `.crt`, `.pem` or `.der` (certificate or public key), e.g. `300.cer` for production. The
   * certification key (IDK 100) is built in; a CAF whose IDK has no key is refused.
   */
  SII_CAF_KEYS_DIR: z.string().optional(),
  SII_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** First retry delay of SII jobs (doubles per attempt) and the wait between status polls. */
  SII_RETRY_DELAY_MS: z.coerce.number().int().min(10).default(2_000),
  SII_STATUS_POLL_MS: z.coerce.number().int().min(10).default(5_000),
  /**
   * How long the SII may take to process an envío before a document it does not report (FAU)
   * counts as never received: an upload whose answer was lost is sent again only after this
   * (docs/reliability.md#uploads-with-an-unknown-outcome).
   */
  SII_RECONCILE_AFTER_MS: z.coerce.number().int().min(0).default(120_000),
  /** Signed documents wait this long to be grouped into one envelope. */
  SII_ENVELOPE_WINDOW_MS: z.coerce.number().int().min(10).default(1_000),
  /** BullMQ lock and stalled-check intervals (tests shorten them to recover killed workers fast). */
  SII_JOB_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  SII_STALLED_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  /** Tests only: comma-separated tenant ids the worker's relay and sweep are limited to (unset: all). */
  SII_RELAY_TENANTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((id) => id.trim()) : undefined)),
});

export type Config = z.infer<typeof ConfigSchema> & {
  SII_ENVIRONMENT: 'simulator' | 'certification' | 'production';
};

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // The all-zero key was once the default (see LEGACY_ZERO_KEY).
  if (parsed.data.NODE_ENV !== 'test' && parsed.data.SECRETS_KEY && isZeroKey(parsed.data.SECRETS_KEY)) {
    throw new Error(
      'Invalid configuration:\n  SECRETS_KEY: the all-zero key is refused; set 32 random bytes (openssl rand -hex 32)',
    );
  }
  // Development and tests talk to the simulator unless told otherwise; production never by default.
  const siiEnvironment =
    parsed.data.SII_ENVIRONMENT ?? (parsed.data.NODE_ENV === 'production' ? 'certification' : 'simulator');
  return { ...parsed.data, SII_ENVIRONMENT: siiEnvironment };
}
