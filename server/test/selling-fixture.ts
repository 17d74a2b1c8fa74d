/**
 * The selling fixture: a test server with a tenant that sells (the sample products priced and in
 * stock, CAFs loaded) and its cashier at store 0's first till with the cash session open, plus
 * bystander tenants. Everything is set up before the tests and closed after them.
 */
import { beforeAll } from 'vitest';
import type { TestTenant } from './harness.ts';
import { addCaf, addProducts, openTill, receiveStock, type TestProduct, type Till } from './selling.ts';
import { type TestServerFixture, useTestServer } from './test-server-fixture.ts';

export interface SellingSetup {
  /** The selling tenant's label; `others` label bystander tenants. */
  label: string;
  others?: string[];
  /** Units of each product received into store 0's warehouse (every store's with `everyStore`). */
  stock: string;
  /** Indexes of the products that get stock, when not all of them. */
  stocked?: number[];
  everyStore?: boolean;
  /** The products it sells: the sample products unless given. */
  products?: Omit<TestProduct, 'id'>[];
  /** CAFs to load, as [document type, first folio, last folio]. */
  cafs: [type: number, from: number, to: number][];
}

export interface SellingFixture extends TestServerFixture {
  tenant: TestTenant;
  products: TestProduct[];
  /** The cashier's till on store 0's first terminal. */
  till: Till;
  /** Another till with its cash session open (the cashier's by default), closed after the tests. */
  openTill(terminalId: string, email?: string): Promise<Till>;
}

export function useSellingFixture(setup: SellingSetup): SellingFixture {
  const base = useTestServer([setup.label, ...(setup.others ?? [])]) as TestServerFixture;
  const fixture = Object.assign(base, {
    async openTill(terminalId: string, email?: string) {
      const till = await openTill(fixture.server, fixture.tenant, terminalId, email);
      base.keep(till.socket);
      return till;
    },
  }) as SellingFixture;
  beforeAll(async () => {
    const { server, tenants } = fixture;
    const tenant = tenants[0]!;
    const products = await addProducts(server, tenant, setup.products);
    const stocked = setup.stocked?.map((i) => products[i]!) ?? products;
    const stores = setup.everyStore ? tenant.stores : tenant.stores.slice(0, 1);
    for (const store of stores) {
      await receiveStock(
        server,
        tenant,
        store.warehouseId,
        stocked.map((p) => p.id),
        setup.stock,
      );
    }
    for (const [type, from, to] of setup.cafs) await addCaf(server, tenant, type, from, to);
    Object.assign(fixture, { tenant, products });
    fixture.till = await fixture.openTill(tenant.stores[0]!.terminalIds[0]!);
  });
  return fixture;
}
