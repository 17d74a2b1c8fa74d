/**
 * Additional taxes (ILA on alcohol, the tax on sugary drinks) at the till, over real sockets:
 * the catalog price includes them; a boleta carries the price as it is, a factura breaks each
 * code out per line (CodImpAdic) and in the totals (ImptoReten), and its nota de crédito carries
 * the same. Every document validates against the SII schema and its signatures verify (xmllint,
 * xmlsec1), and the total the POS previews is the one the server charges.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ticketAmounts } from '../../../client/src/stores/ticket-amounts.ts';
import { TEST_PIN } from '../../test/harness.ts';
import { signedSaleXml } from '../../test/sale-documents.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

const CUSTOMER = {
  rut: '77.123.456-9',
  razonSocial: 'Botillería Ñuñoa Ltda.',
  giro: 'Botillería',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
};

// Prices chosen so that each net is whole: 1395 = 1000 × (1 + 19 % + 20,5 %), and so on.
const shop = useSellingFixture({
  label: 'ila',
  stock: '1000',
  products: [
    {
      code: 'CER-01',
      name: 'Cerveza lager 1 L',
      price: 1395,
      exempt: false,
      weighable: false,
      additionalTax: 26,
    },
    {
      code: 'PIS-01',
      name: 'Pisco 35° 700 cc',
      price: 15050,
      exempt: false,
      weighable: false,
      additionalTax: 24,
    },
    {
      code: 'BEB-01',
      name: 'Bebida cola 1,5 L',
      price: 1370,
      exempt: false,
      weighable: false,
      additionalTax: 271,
    },
    { code: 'LEC-01', name: 'Leche entera 1 L', price: 1190, exempt: false, weighable: false },
    { code: 'HUE-01', name: 'Huevos blancos docena', price: 3590, exempt: true, weighable: false },
  ],
  cafs: [
    [39, 1, 50],
    [33, 1, 50],
    [61, 1, 50],
  ],
});

const CART = [
  { product: 0, quantity: '1' },
  { product: 1, quantity: '1' },
  { product: 2, quantity: '2' },
  { product: 3, quantity: '1' },
  { product: 4, quantity: '1' },
];

async function sell(docType: 39 | 33) {
  const products = shop.products;
  const preview = ticketAmounts(
    docType,
    CART.map((l) => ({
      quantity: l.quantity,
      unitPrice: products[l.product]!.price,
      exempt: products[l.product]!.exempt,
      additionalTax: products[l.product]!.additionalTax,
    })),
  );
  const answer = await shop.till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    docType,
    ...(docType === 33 ? { customer: CUSTOMER } : {}),
    lines: CART.map((l) => ({
      productId: products[l.product]!.id,
      quantity: l.quantity,
      unitPrice: products[l.product]!.price,
    })),
    payments: [{ method: 'card', amount: preview.total, authorizationCode: 'AUT-1' }],
  });
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return { preview, result: answer.data };
}

async function returned(saleId: string, lines?: { lineNo: number; quantity: string }[]) {
  const answer = await shop.till.socket.emitWithAck('sale:return', {
    returnId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    original: { saleId },
    ...(lines ? { lines } : {}),
    refundMethod: 'card',
    reason: 'Cliente arrepentido',
    approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
  });
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

const signed = (sale: { saleId: string; docType: number; folio: number }) =>
  signedSaleXml(shop.server, shop.tenant.tenantId, sale);

it('breaks each additional tax out of a factura: per line and per code in the totals, valid and signed', async () => {
  const { preview, result } = await sell(33);
  // Net 1000 + 10000 + 2000 + 1000 = 14000, IVA 2660; ILA 31,5 % of 10000, 20,5 % of 1000,
  // 18 % of 2000; exempt 3590: what the customer pays at the shelf prices.
  expect(result).toMatchObject({ docType: 33, total: 23_965 });
  expect(preview.total).toBe(23_965);
  const xml = await signed(result);
  expect(xml).toMatch(
    /<NmbItem>Cerveza lager 1 L<\/NmbItem><QtyItem>1<\/QtyItem><UnmdItem>UN<\/UnmdItem><PrcItem>1000<\/PrcItem><CodImpAdic>26<\/CodImpAdic><MontoItem>1000<\/MontoItem>/,
  );
  expect(xml).toMatch(/<PrcItem>10000<\/PrcItem><CodImpAdic>24<\/CodImpAdic><MontoItem>10000<\/MontoItem>/);
  expect(xml).toMatch(/<PrcItem>1000<\/PrcItem><CodImpAdic>271<\/CodImpAdic><MontoItem>2000<\/MontoItem>/);
  expect(xml).toContain(
    '<Totales><MntNeto>14000</MntNeto><MntExe>3590</MntExe><TasaIVA>19</TasaIVA><IVA>2660</IVA>' +
      '<ImptoReten><TipoImp>24</TipoImp><TasaImp>31.5</TasaImp><MontoImp>3150</MontoImp></ImptoReten>' +
      '<ImptoReten><TipoImp>26</TipoImp><TasaImp>20.5</TasaImp><MontoImp>205</MontoImp></ImptoReten>' +
      '<ImptoReten><TipoImp>271</TipoImp><TasaImp>18</TasaImp><MontoImp>360</MontoImp></ImptoReten>' +
      '<MntTotal>23965</MntTotal></Totales>',
  );

  // Returning the beer credits it with its ILA; returning the rest credits the remainder exactly.
  const beer = await returned(result.saleId, [{ lineNo: 1, quantity: '1' }]);
  expect(beer).toMatchObject({ docType: 61, total: 1395 });
  const beerXml = await signed(beer);
  expect(beerXml).toContain('<CodImpAdic>26</CodImpAdic>');
  expect(beerXml).toContain(
    '<Totales><MntNeto>1000</MntNeto><TasaIVA>19</TasaIVA><IVA>190</IVA><ImptoReten><TipoImp>26</TipoImp><TasaImp>20.5</TasaImp><MontoImp>205</MontoImp></ImptoReten><MntTotal>1395</MntTotal></Totales>',
  );
  const rest = await returned(result.saleId);
  expect(rest.total).toBe(23_965 - 1395);
  const restXml = await signed(rest);
  expect(restXml).toContain('<TipoImp>24</TipoImp>');
  expect(restXml).toContain('<TipoImp>271</TipoImp>');
  expect(restXml).not.toContain('<TipoImp>26</TipoImp>');
});

it('keeps additional taxes inside the prices of a boleta, which has no field for them', async () => {
  const { preview, result } = await sell(39);
  expect(result).toMatchObject({ docType: 39, total: 23_965 });
  expect(preview.total).toBe(23_965);
  const xml = await signed(result);
  expect(xml).not.toContain('CodImpAdic');
  expect(xml).not.toContain('ImptoReten');
  expect(xml).toMatch(/<PrcItem>1395<\/PrcItem><MontoItem>1395<\/MontoItem>/);
});
