import { randomUUID } from 'node:crypto';
import { type PrintJob, PrintJob as PrintJobSchema } from '@erp/shared';
import type { PrinterInfo } from '../drivers/printer/printer.ts';
import { columnsFor, type Receipt } from '../receipts/receipt.ts';
import { renderJob } from '../receipts/render.ts';

/**
 * A TED shaped like the SII's (docs/sii-rules.md#ted-and-printed-timbre) with Spanish letters in it, so
 * every test that round-trips the timbre also proves the ISO-8859-1 bytes survive (ñ must stay one byte,
 * F1).
 */
export const SAMPLE_TED =
  '<TED version="1.0"><DD><RE>76192083-9</RE><TD>39</TD><F>1234</F><FE>2026-03-12</FE>' +
  '<RR>66666666-6</RR><RSR>Sin RUT</RSR><MNT>5990</MNT><IT1>Pan amasado Ñuñoa ñandú</IT1>' +
  '<CAF version="1.0"><DA><RE>76192083-9</RE><RS>MINIMARKET PEÑA LIMITADA</RS><TD>39</TD>' +
  '<RNG><D>1</D><H>5000</H></RNG><FA>2026-01-02</FA><RSAPK><M>0a4O6Kbx8Qj3K4iWSP4w7KneZYeJ+g/prihYtIEolKt3cykSxl1zO8vSXu397QhTmsX7SBEudTUx++2zDXBhZw==</M>' +
  '<E>Aw==</E></RSAPK><IDK>100</IDK></DA><FRMA algoritmo="SHA1withRSA">g1AQX0sy8NJugX52k2hTJEZAE9Cuul6pqYBdFxj1N17umW7zG/hAavCALKByHzdYAfZ3LhGTXCai5zNxOo4lDQ==</FRMA></CAF>' +
  '<TSTED>2026-03-12T14:35:10</TSTED></DD><FRMT algoritmo="SHA1withRSA">pqjXHHQLJmyFPMRvxScN7tYHvIsty0pqL2LLYaG43jMmnfiZfllLA0wb32lP+HBJ/tf8nziSeorvjlx410ZImw==</FRMT></TED>';

/** A cash boleta with a weighed line, a discount, payments and change. */
export function sampleBoletaJob(overrides: Partial<PrintJob> = {}): PrintJob {
  return PrintJobSchema.parse({
    jobId: randomUUID(),
    document: {
      kind: 'boleta',
      documentType: 39,
      folio: 1234,
      issuedAt: '2026-03-12T17:35:10Z',
      issuer: {
        rut: '76192083-9',
        businessName: 'MINIMARKET PEÑA LIMITADA',
        activity: 'VENTA AL POR MENOR EN ALMACENES DE BARRIO',
        address: 'Av. Irarrázaval 1234',
        comuna: 'Ñuñoa',
        siiOffice: 'S.I.I. - ÑUÑOA',
      },
      terminal: 'Caja 1',
      cashier: 'María José Muñoz',
      lines: [
        { description: 'Pan amasado', quantity: '0.75', unit: 'kg', unitPrice: 2990, amount: 2243 },
        {
          description: 'Leche entera 1 L Colún',
          quantity: '2',
          unitPrice: 1090,
          discount: 200,
          discountLabel: 'cliente frecuente',
          amount: 1980,
        },
        { description: 'Té Supremo 20 bolsitas', quantity: '1', unitPrice: 1767, amount: 1767 },
      ],
      totals: { net: 5034, iva: 956, total: 5990 },
      payments: [{ method: 'cash', amount: 10000 }],
      change: 4010,
      timbre: { ted: SAMPLE_TED, resolutionNumber: 80, resolutionYear: 2014 },
      footer: ['¡Gracias por su compra!'],
    },
    ...overrides,
  });
}

/** The sample boleta laid out for a printer, in the columns of `paperWidthMm` (its own paper unless told). */
export function renderSampleBoleta(info: PrinterInfo, paperWidthMm = info.paperWidthMm): Receipt {
  return renderJob(
    sampleBoletaJob(),
    { ...info, columns: columnsFor(paperWidthMm) },
    'America/Santiago',
    new Date(),
  );
}
