import { type DestinationStream, pino } from 'pino';

/**
 * Structured JSON logs, to stdout unless given another destination (tests read them). Secrets
 * (tokens, passwords, keys) are redacted wherever they appear.
 */
export function createLogger(level: string, name = 'server', destination?: DestinationStream) {
  return pino(
    {
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
    },
    destination ?? pino.destination(1),
  );
}

export type Logger = ReturnType<typeof createLogger>;
