import type { Logger } from '../platform/logger.ts';
import type { AppNamespace, AppSocket } from './types.ts';

/** A store whose committed change other domains may react to. */
export interface StoreNews {
  nsp: AppNamespace;
  tenantId: string;
  /** Null for a socket that serves no store: there is nothing to deliver or refresh then. */
  storeId: string | null;
}

/** What a domain announces after its transaction committed, by topic. */
export interface AfterCommitTopics {
  /** A sale (sales domain): its receipt waits in the outbox, the store's figures changed. */
  'sale:committed': StoreNews;
  /** A return (sales domain): its nota de crédito waits in the outbox, the figures changed. */
  'return:committed': StoreNews;
  /** A reprint (hardware domain): its copy waits in the outbox. */
  'reprint:committed': StoreNews;
  /** An abono to a customer account (accounts): its voucher waits in the outbox, a drawer changed. */
  'account-payment:committed': StoreNews;
}

type Handler<K extends keyof AfterCommitTopics> = (news: AfterCommitTopics[K]) => void;

/**
 * In-process news of committed changes, so the domain that commits need not know who reacts
 * (the sale does not know printers or walls). Subscribers are wired in the composition root and
 * run synchronously in subscription order; one that throws is logged and never fails the
 * publisher, whose transaction has already committed.
 */
export class AfterCommit {
  readonly #logger: Logger;
  readonly #handlers = new Map<keyof AfterCommitTopics, Handler<never>[]>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe<K extends keyof AfterCommitTopics>(topic: K, handler: Handler<K>): void {
    this.#handlers.set(topic, [...(this.#handlers.get(topic) ?? []), handler as Handler<never>]);
  }

  publish<K extends keyof AfterCommitTopics>(topic: K, news: AfterCommitTopics[K]): void {
    for (const handler of this.#handlers.get(topic) ?? []) {
      try {
        (handler as Handler<K>)(news);
      } catch (err) {
        this.#logger.error(
          { err, topic, tenantId: news.tenantId, storeId: news.storeId },
          'after-commit handler failed',
        );
      }
    }
  }
}

/** The news of a socket's store. */
export const storeNewsOf = (socket: AppSocket): StoreNews => ({
  nsp: socket.nsp,
  tenantId: socket.data.tenantId,
  storeId: socket.data.storeId,
});
