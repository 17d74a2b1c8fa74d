/**
 * A sale's tax document as the worker would send it: read from the sale's outbox row, built,
 * signed and put in an envelope with the test CAF and certificate, then checked with the real
 * `xmllint` against the SII schema and the real `xmlsec1` (the envelope, the document in place
 * and cut out on its own). Returns the envelope's text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DteDocument, DteType } from '@erp/shared';
import { buildDte, buildEnvelope } from '@erp/sii-core';
import {
  testCaf,
  testCredentials,
  writeStandalone,
  xmllintSchema,
  xmlsecVerify,
} from '@erp/sii-core/testing';
import { expect } from 'vitest';
import type { AppInstance } from '../src/app.ts';
import { withTenant } from '../src/platform/orm.ts';

const SCHEMAS = {
  boleta: 'sii-2025/schema_envio_bol/EnvioBOLETA_v11.xsd',
  dte: 'EnvioDTE_v10.xsd',
} as const;
const dir = mkdtempSync(join(tmpdir(), 'sale-dte-'));

/** The document a sale (or return) put in its outbox for the SII worker. */
export async function outboxDocument(
  server: Pick<AppInstance, 'orm'>,
  tenantId: string,
  saleId: string,
): Promise<DteDocument> {
  const [row] = await withTenant(server.orm, tenantId, (em) =>
    em.execute<{ payload: { document: DteDocument } }[]>(
      `select payload from outbox where topic = 'sii.document' and key = ?`,
      [`sale-${saleId}`],
    ),
  );
  if (!row) throw new Error(`no SII document in the outbox for sale ${saleId}`);
  return row.payload.document;
}

export async function signedSaleXml(
  server: Pick<AppInstance, 'orm'>,
  tenantId: string,
  sale: { saleId: string; docType: number; folio: number },
): Promise<string> {
  const type = sale.docType as DteType;
  const document = await outboxDocument(server, tenantId, sale.saleId);
  const credentials = testCredentials();
  const dte = buildDte(document, { caf: testCaf(type), credentials, folio: sale.folio });
  const file = join(dir, `envio-${type}-${sale.folio}-${sale.saleId}.xml`);
  const envelope = buildEnvelope([dte], { credentials });
  writeFileSync(file, envelope);
  const valid = xmllintSchema(file, SCHEMAS[type === 39 || type === 41 ? 'boleta' : 'dte']);
  expect(valid.output).toContain('validates');
  expect(valid.status).toBe(0);
  const xml = envelope.toString('latin1');
  const cut = join(dir, `dte-${type}-${sale.folio}-${sale.saleId}.xml`);
  writeStandalone(cut, /<DTE [\s\S]*<\/DTE>/.exec(xml)![0]);
  for (const verified of [
    xmlsecVerify(file),
    xmlsecVerify(file, "(//*[local-name()='Signature'])[1]"),
    xmlsecVerify(cut),
  ]) {
    expect(verified.output).toMatch(/^OK/m);
    expect(verified.status).toBe(0);
  }
  return xml;
}
