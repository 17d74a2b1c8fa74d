import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LeaseAnswer, type LeaseDocType, type LeaseGrant, type NodeStoreContext } from '@erp/shared';
import { type Caf, generateLeaseKeyPair, leaseSealContext, openSealed, parseCaf } from '@erp/sii-core';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { writeDurably } from './durable-file.ts';

const KeyFile = z.object({ publicKey: z.string(), privateKeyPem: z.string() });

/** What the hub keeps of its last lease answer (the CAF keys stay sealed to its own key). */
type Held = z.output<typeof LeaseAnswer>;

/** A folio taken for an offline sale, with its lease's opened CAF. */
export interface TakenFolio {
  lease: LeaseGrant;
  folio: number;
  caf: Caf;
}

/** What asking the server for leases takes: one command on the hub's own socket. */
export type AskServer = (event: 'node:lease', payload: unknown) => Promise<unknown>;

/**
 * The hub's folio leases (docs/store-node.md#leases): its X25519 sealing key pair, made once and
 * kept on disk (mode 0600); the server's last lease answer, kept on disk as received (each CAF
 * key sealed to the hub's key, so encrypted at rest), and the next folio of each lease. A CAF key
 * is opened in memory only when a sale needs it.
 *
 * A folio is taken in memory; it is used once the offline sales journal holds the sale (fsync'ed
 * before the POS hears of it), and after a restart the cursors start past every folio the journal
 * holds (`used`), so a crash before that write only leaves the folio to the next sale.
 */
export class LeaseHolder {
  readonly #dir: string;
  readonly #logger: Logger;
  #keys: z.output<typeof KeyFile> | null = null;
  #held: Held | null = null;
  readonly #next = new Map<string, number>();
  readonly #cafs = new Map<string, Caf>();

  constructor(dataDir: string, logger: Logger) {
    this.#dir = dataDir;
    this.#logger = logger.child({ part: 'leases' });
  }

  get #keyPath() {
    return join(this.#dir, 'node-key.json');
  }

  get #leasePath() {
    return join(this.#dir, 'leases.json');
  }

  /** Reads the key pair (made now the first time) and the leases kept on disk. */
  async load(): Promise<void> {
    const keyText = await readFile(this.#keyPath, 'utf8').catch(() => null);
    if (keyText) this.#keys = KeyFile.parse(JSON.parse(keyText));
    else {
      this.#keys = generateLeaseKeyPair();
      await writeDurably(this.#keyPath, JSON.stringify(this.#keys), 0o600);
      this.#logger.info('lease sealing key pair created');
    }
    const leaseText = await readFile(this.#leasePath, 'utf8').catch(() => null);
    if (leaseText) {
      const parsed = LeaseAnswer.safeParse(JSON.parse(leaseText));
      if (parsed.success) this.#adopt(parsed.data);
      else this.#logger.error('leases on disk unreadable; asking the server again when online');
    }
  }

  get publicKey(): string {
    return this.#keys!.publicKey;
  }

  /** Tenant, hub credential and store of the last answer; null before the first one. */
  get identity(): { tenantId: string; deviceId: string; storeId: string } | null {
    return this.#held
      ? { tenantId: this.#held.tenantId, deviceId: this.#held.deviceId, storeId: this.#held.storeId }
      : null;
  }

  get store(): z.output<typeof NodeStoreContext> | null {
    return this.#held?.store ?? null;
  }

  get leases(): readonly LeaseGrant[] {
    return this.#held?.leases ?? [];
  }

  /** Folios of a type left in the live leases, past the cursors. */
  free(docType: LeaseDocType): number {
    return this.leases
      .filter((l) => l.docType === docType)
      .reduce((sum, l) => sum + Math.max(0, l.to - this.#cursor(l) + 1), 0);
  }

  /** A folio the journal holds: the lease's cursor moves past it (called as the journal is read). */
  used(leaseId: string, folio: number): void {
    if ((this.#next.get(leaseId) ?? 0) <= folio) this.#next.set(leaseId, folio + 1);
  }

  /** Asks the server for the hub's leases (refilled as needed) with the cursors, and keeps the answer. */
  async refresh(ask: AskServer): Promise<void> {
    const cursors = this.leases.map((l) => ({ leaseId: l.leaseId, nextFolio: this.#cursor(l) }));
    const answer = (await ask('node:lease', { publicKey: this.publicKey, cursors })) as {
      ok?: boolean;
      data?: unknown;
      error?: { code: string; message: string };
    };
    if (!answer?.ok) {
      throw Object.assign(new Error(answer?.error?.message ?? 'lease refused'), {
        code: answer?.error?.code,
      });
    }
    const held = LeaseAnswer.parse(answer.data);
    await writeDurably(this.#leasePath, JSON.stringify(held), 0o600);
    const before = new Set(this.leases.map((l) => l.leaseId));
    this.#adopt(held);
    const granted = held.leases.filter((l) => !before.has(l.leaseId));
    this.#logger.info(
      {
        leases: held.leases.length,
        granted: granted.map((l) => ({ docType: l.docType, from: l.from, to: l.to })),
        free: { 39: this.free(39), 41: this.free(41) },
      },
      'leases refreshed',
    );
  }

  /** The next folio of a live lease of the type (oldest lease first), or null when none is left. */
  take(docType: LeaseDocType): TakenFolio | null {
    for (const lease of this.leases) {
      if (lease.docType !== docType) continue;
      const folio = this.#cursor(lease);
      if (folio > lease.to) continue;
      const caf = this.#caf(lease);
      this.#next.set(lease.leaseId, folio + 1);
      return { lease, folio, caf };
    }
    return null;
  }

  /** Puts back a folio taken for a sale that was then not journaled (refused before the write). */
  giveBack(taken: TakenFolio): void {
    if (this.#next.get(taken.lease.leaseId) === taken.folio + 1)
      this.#next.set(taken.lease.leaseId, taken.folio);
  }

  #cursor(lease: LeaseGrant): number {
    return Math.max(this.#next.get(lease.leaseId) ?? lease.from, lease.from + lease.used);
  }

  #adopt(held: Held): void {
    const live = new Set(held.leases.map((l) => l.leaseId));
    for (const leaseId of this.#cafs.keys()) if (!live.has(leaseId)) this.#cafs.delete(leaseId);
    this.#held = held;
  }

  /** The lease's CAF with its private key, opened from the sealed copy the first time it is needed. */
  #caf(lease: LeaseGrant): Caf {
    const open = this.#cafs.get(lease.leaseId);
    if (open) return open;
    const { tenantId, deviceId } = this.#held!;
    const rsask = openSealed(
      lease.sealedKey,
      this.#keys!.privateKeyPem,
      leaseSealContext({ tenantId, deviceId, leaseId: lease.leaseId }),
    ).toString();
    const caf = parseCaf(`<AUTORIZACION>${lease.cafXml}<RSASK>${rsask}</RSASK></AUTORIZACION>`);
    this.#cafs.set(lease.leaseId, caf);
    return caf;
  }
}
