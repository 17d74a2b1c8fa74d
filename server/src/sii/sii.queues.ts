import { type JobsOptions, Queue } from 'bullmq';
import { createClient } from 'redis';

/** The pipeline's queues, one per step (no giant job that signs, sends and polls). */
export const SII_QUEUES = [
  'sii-sign',
  'sii-envelope',
  'sii-upload',
  'sii-status',
  'sii-pdf',
  'sii-mail',
] as const;
export type SiiQueueName = (typeof SII_QUEUES)[number];

/** A stamped sale's document to sign: its `sii.document` outbox row. */
export interface SignDocument {
  outboxId: string;
  saleId: string;
  type: number;
  folio: number;
  issuedAt: string;
  document: unknown;
}
/** Documents of one tenant signed in one job (one relay pass makes a job of up to SIGN_BATCH). */
export interface SignJob {
  tenantId: string;
  documents: SignDocument[];
}
export interface EnvelopeJob {
  tenantId: string;
  kind: 'EnvioDTE' | 'EnvioBOLETA';
}
export interface EnvelopeRefJob {
  tenantId: string;
  envelopeId: string;
}

export interface PdfJob {
  tenantId: string;
  documentId: string;
}

/** A document's e-mail to one buyer address (`dte_mail`), of one generation. */
export interface MailJob {
  tenantId: string;
  mailId: string;
  generation: number;
}

export interface SiiQueueOptions {
  redisUrl: string;
  /** BullMQ key prefix: the deployment's Redis prefix, so tests and deployments never share queues. */
  prefix: string;
  retryDelayMs: number;
}

/** Retries with exponential backoff; failed jobs stay visible, completed ones are dropped. */
export function jobDefaults(retryDelayMs: number, attempts: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: retryDelayMs },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

/**
 * Producer side: a Redis connection that fails fast while Redis is away (no offline queue), so
 * whoever adds a job learns at once and the outbox row simply waits for the next relay pass.
 * After an outage `reopen()` replaces the connection (a producer whose connection broke keeps
 * failing with the old error otherwise). Opening fails at once while Redis is away (no retries
 * until the first connection), so a relay pass that reopens during an outage never hangs.
 */
export async function openSiiQueues(options: SiiQueueOptions) {
  const open = async () => {
    let connected = false;
    const connection = createClient({
      url: options.redisUrl,
      disableOfflineQueue: true,
      socket: {
        reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, 1_000) : cause),
        connectTimeout: 2_000,
      },
    });
    connection.on('error', () => undefined);
    await connection.connect();
    connected = true;
    const queue = <T>(name: SiiQueueName) => {
      const q = new Queue<T>(name, { connection, prefix: options.prefix } as ConstructorParameters<
        typeof Queue
      >[1]);
      q.on('error', () => undefined);
      return q;
    };
    const queues = {
      sign: queue<SignJob>('sii-sign'),
      envelope: queue<EnvelopeJob>('sii-envelope'),
      upload: queue<EnvelopeRefJob>('sii-upload'),
      status: queue<EnvelopeRefJob>('sii-status'),
      pdf: queue<PdfJob>('sii-pdf'),
      mail: queue<MailJob>('sii-mail'),
    };
    const close = async () => {
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
      await connection.quit().catch(() => connection.destroy());
    };
    return { queues, close };
  };
  let current = await open();
  return {
    get sign() {
      return current.queues.sign;
    },
    get envelope() {
      return current.queues.envelope;
    },
    get upload() {
      return current.queues.upload;
    },
    get status() {
      return current.queues.status;
    },
    get pdf() {
      return current.queues.pdf;
    },
    get mail() {
      return current.queues.mail;
    },
    async reopen() {
      const next = await open();
      const previous = current;
      current = next;
      await previous.close();
    },
    close: () => current.close(),
  };
}

export type SiiQueues = Awaited<ReturnType<typeof openSiiQueues>>;

/** BullMQ job ids: no ':' and never only digits (docs/reliability.md#outbox-job-ids). */
export const jobIds = {
  /** A batch by its first outbox key and size: the same rows relayed again make the same id. */
  sign: (firstOutboxKey: string, count: number) => `sign-${firstOutboxKey}-${count}`,
  /** One envelope job per tenant, kind and time window: documents signed in a window share an envelope. */
  envelope: (tenantId: string, kind: string, window: number) => `env-${tenantId}-${kind}-${window}`,
  upload: (envelopeId: string) => `up-${envelopeId}`,
  status: (envelopeId: string) => `st-${envelopeId}`,
  pdf: (documentId: string) => `pdf-${documentId}`,
  /** A generation's own id: a "reenviar" is a new job, a repeat of the same one a no-op. */
  mail: (mailId: string, generation: number) => `mail-${mailId}-${generation}`,
};
