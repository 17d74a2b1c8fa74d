import { pino } from 'pino';

/** Structured JSON logs; the hub's device token never appears in them. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info') {
  return pino({
    name: 'hardware-hub',
    level,
    redact: { paths: ['token', '*.token', 'auth.token'], censor: '[redacted]' },
  });
}

export type Logger = ReturnType<typeof createLogger>;
