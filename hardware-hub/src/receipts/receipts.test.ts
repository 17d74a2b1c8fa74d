import { PrintJob } from '@erp/shared';
import { describe, expect, it } from 'vitest';
import { sampleBoletaJob } from '../testing/sample-jobs.ts';
import { columnsFor } from './receipt.ts';
import { renderJob } from './render.ts';
import { receiptToText } from './text.ts';

const printer = (paperWidthMm: 58 | 80) => ({
  name: 'Caja 1',
  connection: 'tcp',
  codePage: 'cp858',
  pdf417: 'native' as const,
  paperWidthMm,
  columns: columnsFor(paperWidthMm),
});

const render = (job: PrintJob, width: 58 | 80 = 80) =>
  renderJob(job, printer(width), 'America/Santiago', new Date('2026-03-12T18:00:00Z'));

function textLines(job: PrintJob, width: 58 | 80) {
  return render(job, width).blocks.flatMap((block) =>
    block.kind === 'text' ? [{ text: block.text, columns: columnsFor(width) / block.style.width }] : [],
  );
}

describe('receipts', () => {
  it.each([80, 58] as const)('fits every line of a boleta in %i mm columns', (width) => {
    for (const line of textLines(sampleBoletaJob(), width))
      expect(line.text.length).toBeLessThanOrEqual(line.columns);
  });

  it('prints what a boleta must show, with local time and the timbre legend under the symbol', () => {
    const text = receiptToText(render(sampleBoletaJob()));
    for (const expected of [
      'MINIMARKET PEÑA LIMITADA',
      'R.U.T.: 76.192.083-9',
      'BOLETA ELECTRÓNICA',
      'S.I.I. - ÑUÑOA',
      'Fecha: 12-03-2026 14:35',
      '0,750 kg x $2.990',
      'IVA (19%)',
      'Vuelto',
      '$4.010',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(
      /PDF417 \d+ bytes \]\n\s+Timbre Electrónico SII\n\s+Res\. 80 de 2014\n\s+Verifique documento: www\.sii\.cl/,
    );
    expect(text).not.toContain('COPIA');
  });

  it('prints a card payment as «Tarjeta» (the POS does not ask debit or credit) and no change line', () => {
    const boleta = sampleBoletaJob();
    if (boleta.document.kind !== 'boleta') throw new Error('sample must be a boleta');
    const card = PrintJob.parse({
      ...boleta,
      document: { ...boleta.document, payments: [{ method: 'card', amount: 5990 }], change: 0 },
    });
    const text = receiptToText(render(card));
    expect(text).toMatch(/\nTarjeta +\$5\.990\n/);
    expect(text).not.toContain('Vuelto');
    expect(text).not.toContain('débito');
  });

  it('prints the buyer of a boleta above 135 UF with e-mail and phone, and no anonymous consumer', () => {
    const boleta = sampleBoletaJob();
    if (boleta.document.kind !== 'boleta') throw new Error('sample must be a boleta');
    const buyer = {
      rut: '12345678-5',
      name: 'María José Pérez',
      email: 'maria.perez@example.cl',
      phone: '+56 9 8765 4321',
    };
    const text = receiptToText(
      render(PrintJob.parse({ ...boleta, document: { ...boleta.document, customer: buyer } })),
    );
    expect(text).toMatch(
      /RUT cliente: 12\.345\.678-5\nNombre: María José Pérez\nCorreo: maria\.perez@example\.cl\nTeléfono: \+56 9 8765 4321\n/,
    );
    const anonymous = { ...boleta.document, customer: { rut: '66666666-6' } };
    expect(receiptToText(render(PrintJob.parse({ ...boleta, document: anonymous })))).not.toContain(
      'RUT cliente',
    );
  });

  it("prints each line's discount with its reason and the ticket's discount under the lines, in 58 mm too", () => {
    const boleta = sampleBoletaJob();
    if (boleta.document.kind !== 'boleta') throw new Error('sample must be a boleta');
    const job = PrintJob.parse({
      ...boleta,
      document: {
        ...boleta.document,
        discounts: [{ label: 'Descuento ticket 10% cliente frecuente', amount: 599 }],
        totals: { net: 4530, iva: 861, total: 5391 },
        payments: [{ method: 'cash', amount: 6000 }],
        change: 610,
      },
    });
    const text = receiptToText(render(job));
    expect(text).toMatch(/ {2}2 x \$1\.090 +\$2\.180\n {2}Desc\. cliente frecuente +-\$200\n/);
    expect(text).toMatch(/-{48}\nDescuento ticket 10% cliente frecuente +-\$599\n-{48}\nNeto/);
    for (const line of textLines(job, 58)) expect(line.text.length).toBeLessThanOrEqual(line.columns);
    expect(receiptToText(render(job, 58))).toMatch(/\nDescuento ticket 10%\ncliente frecuente +-\$599\n/);
  });

  it('prints a factura for the buyer and a CEDIBLE copy with the acuse de recibo, in 58 mm too', () => {
    const boleta = sampleBoletaJob();
    if (boleta.document.kind !== 'boleta') throw new Error('sample must be a boleta');
    const factura = PrintJob.parse({
      ...boleta,
      document: {
        ...boleta.document,
        kind: 'factura',
        documentType: 33,
        folio: 88,
        customer: {
          rut: '77123456-9',
          name: 'Botillería Ñuñoa Ltda.',
          activity: 'Botillería',
          address: 'Irarrázaval 100',
          comuna: 'Ñuñoa',
        },
        totals: {
          net: 14000,
          exempt: 3590,
          iva: 2660,
          additionalTaxes: [
            { code: 24, rate: '31.5', amount: 3150 },
            { code: 271, rate: '18', amount: 360 },
          ],
          total: 23760,
        },
      },
    });
    const receipt = render(factura);
    expect(receipt.blocks.filter((block) => block.kind === 'cut')).toHaveLength(1);
    expect(receipt.blocks.filter((block) => block.kind === 'pdf417')).toHaveLength(2);
    const [buyer, cedible] = receiptToText(receipt).split(/- - corte - -.*\n/);
    for (const copy of [buyer!, cedible!]) {
      for (const expected of [
        'R.U.T.: 76.192.083-9',
        'FACTURA ELECTRÓNICA',
        'S.I.I. - ÑUÑOA',
        'Señor(es): Botillería Ñuñoa Ltda.',
        'R.U.T.: 77.123.456-9',
        'Giro: Botillería',
        'Dirección: Irarrázaval 100',
        'Comuna: Ñuñoa',
        'Timbre Electrónico SII',
      ]) {
        expect(copy).toContain(expected);
      }
      expect(copy.replace(/\s+/g, '')).toContain('N°88');
      expect(copy).toMatch(
        /Neto +\$14\.000\nExento +\$3\.590\nIVA \(19%\) +\$2\.660\nILA licores 31,5% +\$3\.150\n/,
      );
      expect(copy).toMatch(/Imp\. bebidas alto en azúcar 18% +\$360\n/);
    }
    expect(buyer).not.toContain('CEDIBLE');
    expect(buyer).not.toContain('ACUSE DE RECIBO');
    expect(cedible).toMatch(
      /ACUSE DE RECIBO\n\nNombre: _+\n\nR\.U\.T\.: _+\n\nFecha: _+\n\nRecinto: _+\n\nFirma: _+/,
    );
    expect(cedible!.replace(/\s+/g, ' ')).toContain('letra c) del Art. 5° de la Ley 19.983');
    // CEDIBLE closes the copy, flush right, after the timbre's legend.
    expect(cedible).toMatch(/Verifique documento: www\.sii\.cl\n(.*\n)*\s+C E D I B L E\n$/);
    for (const line of textLines(factura, 58)) expect(line.text.length).toBeLessThanOrEqual(line.columns);
    const noCedible = PrintJob.parse({ ...factura, document: { ...factura.document, cedible: false } });
    expect(receiptToText(render(noCedible))).not.toContain('CEDIBLE');
  });

  it('marks every reprint as COPIA', () => {
    const blocks = render(sampleBoletaJob({ isCopy: true })).blocks;
    expect(blocks.filter((block) => block.kind === 'text' && block.text.includes('COPIA'))).toHaveLength(2);
  });

  it('prints a nota de crédito with its reference and a Z report with the cash difference', () => {
    const boleta = sampleBoletaJob();
    if (boleta.document.kind !== 'boleta') throw new Error('sample must be a boleta');
    const { payments: _p, change: _c, ...taxFields } = boleta.document;
    const creditNote = PrintJob.parse({
      ...boleta,
      document: {
        ...taxFields,
        kind: 'credit_note',
        documentType: 61,
        folio: 77,
        reference: { documentType: 39, folio: 1234, date: '2026-03-12', reason: 'Devolución de producto' },
      },
    });
    const noteText = receiptToText(render(creditNote)).replaceAll('\n', ' ');
    expect(noteText).toContain('NOTA DE CRÉDITO ELECTRÓNICA');
    expect(noteText).toContain('Referencia: BOLETA ELECTRÓNICA N° 1234 del 12-03-2026');

    const close = PrintJob.parse({
      jobId: boleta.jobId,
      document: {
        kind: 'cash_close',
        report: 'Z',
        reportNumber: 12,
        storeName: 'Minimarket Peña',
        terminal: 'Caja 1',
        cashier: 'María',
        openedAt: '2026-03-12T12:00:00Z',
        closedAt: '2026-03-12T22:00:00Z',
        openingFloat: 20000,
        salesCount: 3,
        salesByMethod: [{ method: 'cash', count: 3, amount: 17970 }],
        expectedCash: 37970,
        countedCash: 37900,
        documents: [{ documentType: 39, count: 3, firstFolio: 1232, lastFolio: 1234, total: 17970 }],
      },
    });
    const closeText = receiptToText(render(close, 58));
    expect(closeText).toContain('C I E R R E   D E   C A J A');
    expect(closeText).toMatch(/Diferencia\s+-\$70/);
    expect(closeText).toContain('N° 1232 a 1234');
  });
});
