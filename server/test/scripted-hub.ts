/**
 * A scripted store hub for the store-node tests: a socket.io client with a hub credential that
 * leases folios, opens the sealed CAF keys with its own X25519 key, and takes sales "offline"
 * the way the hub must: builds the sale's document with the server's own code, stamps the TED
 * with sii-core's code and the lease's key, and later sends them with `node:sync`.
 * (Test support only: it reaches into the sales domain's files, which production code may not.)
 */
import { randomUUID } from 'node:crypto';
import type { LeaseAnswer, OfflineSale, SaleCommit } from '@erp/shared';
import {
  type Caf,
  chileTimestamp,
  computeAmounts,
  generateLeaseKeyPair,
  leaseSealContext,
  openSealed,
  parseCaf,
  saleSummary,
  stampDocumentTed,
} from '@erp/sii-core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { withTenantSql } from '../src/platform/sql-session.ts';
import { lineGross } from '../src/sales/quantity.ts';
import { finalDocType, saleDocument } from '../src/sales/sale-document.ts';
import type { PricedLine } from '../src/sales/sale-pricing.ts';
import { storeContext } from '../src/sales/store-context.ts';
import type { TestClient } from './harness.ts';
import { hubEmit } from './hubs.ts';
import type { TestProduct } from './selling.ts';

type Answer = z.output<typeof LeaseAnswer>;
type Lease = Answer['leases'][number];

export interface OfflineLine {
  product: TestProduct;
  quantity: string;
  /** The hub replica's price; the product's central price unless given. */
  unitPrice?: number;
}

export class ScriptedHub {
  readonly keys: { publicKey: string; privateKeyPem: string };
  leases: Lease[] = [];
  readonly next = new Map<string, number>();
  readonly #cafs = new Map<string, Caf>();
  tenantId = '';
  deviceId = '';
  storeId = '';

  readonly socket: TestClient;

  /** `keys`: the hub's sealing key pair, a new one unless given (the same hub after a renewal). */
  constructor(socket: TestClient, keys = generateLeaseKeyPair()) {
    this.socket = socket;
    this.keys = keys;
  }

  /** Free folios of a type in its live leases, past its cursors. */
  free(docType: number): number {
    return this.leases
      .filter((l) => l.docType === docType)
      .reduce((sum, l) => sum + Math.max(0, l.to - (this.next.get(l.leaseId) ?? l.from) + 1), 0);
  }

  async lease(
    publicKey = this.keys.publicKey,
  ): Promise<{ ok: boolean; data?: Answer; error?: { code: string } }> {
    const cursors = [...this.next.entries()].map(([leaseId, nextFolio]) => ({ leaseId, nextFolio }));
    const answer = (await hubEmit(this.socket, 'node:lease', { publicKey, cursors }, 15_000)) as {
      ok: boolean;
      data?: Answer;
      error?: { code: string };
    };
    if (answer.ok) {
      const data = answer.data!;
      Object.assign(this, { tenantId: data.tenantId, deviceId: data.deviceId, storeId: data.storeId });
      this.leases = data.leases;
      for (const lease of data.leases) {
        if (!this.next.has(lease.leaseId)) this.next.set(lease.leaseId, lease.from + lease.used);
        const rsask = openSealed(
          lease.sealedKey,
          this.keys.privateKeyPem,
          leaseSealContext({ tenantId: data.tenantId, deviceId: data.deviceId, leaseId: lease.leaseId }),
        ).toString();
        this.#cafs.set(
          lease.leaseId,
          parseCaf(`<AUTORIZACION>${lease.cafXml}<RSASK>${rsask}</RSASK></AUTORIZACION>`),
        );
      }
    }
    return answer;
  }

  /** The next folio of a live lease of the type. */
  takeFolio(docType: number): { lease: Lease; folio: number } {
    for (const lease of this.leases.filter((l) => l.docType === docType)) {
      const folio = this.next.get(lease.leaseId)!;
      if (folio <= lease.to) {
        this.next.set(lease.leaseId, folio + 1);
        return { lease, folio };
      }
    }
    throw new Error(`no leased folios of type ${docType}`);
  }

  /**
   * A sale taken offline: the POS's payload (cash, exact tender rounded up) and the hub's folio,
   * prices and TED, stamped with the opened lease key. `at` is the sale's instant.
   */
  async sell(
    orm: MikroORM,
    till: { terminalId: string; cashSessionId: string },
    cashierId: string,
    lines: OfflineLine[],
    options: { at?: Date; folio?: { lease: Lease; folio: number } } = {},
  ): Promise<OfflineSale> {
    const issuedAt = options.at ?? new Date();
    const context = await withTenantSql(orm, this.tenantId, (sql) =>
      storeContext(sql, this.tenantId, this.storeId),
    );
    const priced: PricedLine[] = lines.map((line, i) => {
      const unitPrice = line.unitPrice ?? line.product.price;
      return {
        lineNo: i + 1,
        productId: line.product.id,
        code: line.product.code,
        name: line.product.name,
        unit: line.product.weighable ? 'kg' : 'unidad',
        quantity: line.quantity,
        unitPrice,
        listPrice: unitPrice,
        discount: 0,
        exempt: line.product.exempt,
        additionalTax: null,
        priceOverride: false,
        amount: lineGross(unitPrice, line.quantity),
      };
    });
    const type = finalDocType(39, priced) as 39 | 41;
    const stampedAt = chileTimestamp(issuedAt);
    const document = saleDocument({
      type,
      issueDate: stampedAt.slice(0, 10),
      issuer: context.issuer,
      receiver: null,
      lines: priced,
      paidCash: 1,
      adjustments: saleSummary(type, priced, undefined).adjustments,
    });
    const amounts = computeAmounts(document);
    const { lease, folio } = options.folio ?? this.takeFolio(type);
    const caf = this.#cafs.get(lease.leaseId)!;
    const ted = stampDocumentTed(document, folio, amounts, caf, stampedAt);
    const total = amounts.totals.total;
    const sale: z.input<typeof SaleCommit> = {
      saleId: randomUUID(),
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      lines: priced.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
      payments: [{ method: 'cash', tendered: Math.ceil(total / 10) * 10 + 1000 }],
    };
    return {
      sale,
      cashierId,
      leaseId: lease.leaseId,
      docType: type,
      folio,
      issuedAt: issuedAt.toISOString(),
      prices: priced.map((l) => ({ productId: l.productId, unitPrice: l.unitPrice })),
      ted,
      totals: {
        net: amounts.totals.net ?? 0,
        iva: amounts.totals.iva ?? 0,
        exempt: amounts.totals.exempt ?? 0,
        total,
      },
    };
  }

  async sync(sales: OfflineSale[]) {
    const answer = (await hubEmit(this.socket, 'node:sync', { sales }, 60_000)) as {
      ok: boolean;
      data?: {
        outcomes: {
          saleId: string;
          status: string;
          result?: { folio: number };
          error?: { code: string; message: string };
        }[];
      };
      error?: { code: string; message: string };
    };
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    return answer.data!.outcomes;
  }
}
