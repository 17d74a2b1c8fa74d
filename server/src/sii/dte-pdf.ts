/**
 * PDFs of the tenant's own documents, from the signed XML as stored: the worker renders each
 * accepted document once into `dte_pdf`; the back office downloads that, or any other format on
 * demand. Each process holds at most one Chromium, launched on first use (docs/reliability.md#pdf-rendering).
 */
import { isBoletaType } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DelayedError, type Job } from 'bullmq';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { DtePdfRenderer, type PdfFormat } from './dte/pdf.ts';
import { readDocuments } from './dte/reader.ts';
import type { PipelineDeps } from './sii.jobs.ts';
import type { PdfJob } from './sii.queues.ts';

/** Boletas print on the 80 mm roll, every other document on letter paper. */
export function defaultPdfFormat(docType: number): PdfFormat {
  return isBoletaType(docType) ? 'thermal' : 'letter';
}

/** One renderer per process, launched when first needed; concurrent callers share the launch. */
export class SharedPdfRenderer {
  #renderer: Promise<DtePdfRenderer> | undefined;

  get(): Promise<DtePdfRenderer> {
    this.#renderer ??= DtePdfRenderer.launch().catch((error: Error) => {
      this.#renderer = undefined;
      throw error;
    });
    return this.#renderer;
  }

  async close(): Promise<void> {
    const renderer = this.#renderer;
    this.#renderer = undefined;
    await renderer?.then((r) => r.close()).catch(() => undefined);
  }
}

export interface StoredDocument {
  docType: number;
  folio: number;
  signedXml: string;
  /** The issuer's SII resolution (printed under the timbre) and SII office (the tenant's comuna). */
  resolution: { number: number; date: string };
  siiOffice: string;
}

/** The signed XML of a document of the current tenant (RLS), or NOT_FOUND. */
export async function signedDocument(em: EntityManager, documentId: string): Promise<StoredDocument> {
  const [row] = await em.execute<
    {
      doc_type: number;
      folio: number;
      signed_xml: string | null;
      resolution: StoredDocument['resolution'] | null;
      comuna: string;
    }[]
  >(
    `select d.doc_type, d.folio, d.signed_xml, d.signed_meta -> 'resolution' as resolution, t.comuna
       from dte_document d join tenant t on t.id = d.tenant_id where d.id = ?`,
    [documentId],
  );
  if (!row?.signed_xml || !row.resolution) throw AppError.notFound('el documento firmado');
  return {
    docType: row.doc_type,
    folio: row.folio,
    signedXml: row.signed_xml,
    resolution: row.resolution,
    siiOffice: row.comuna.toUpperCase(),
  };
}

/** Renders a signed document (no database work: callers hold no transaction while Chromium runs). */
export async function renderSigned(
  renderer: SharedPdfRenderer,
  document: StoredDocument,
  format: PdfFormat,
): Promise<Buffer> {
  const [read] = readDocuments(Buffer.from(document.signedXml, 'latin1')).documents;
  return (await renderer.get()).render(read!, {
    format,
    resolution: document.resolution,
    siiOffice: document.siiOffice,
  });
}

/** How long a PDF job steps aside while documents wait to be signed or sent, and how often at most. */
const PDF_YIELD_MS = 2_000;
const PDF_MAX_YIELDS = 150;

/**
 * The `sii-pdf` job: renders an accepted document once; a PDF already stored means done. The PDF
 * is a convenience (the download renders one on demand when none is stored) and rendering is the
 * pipeline's most expensive step (Chromium and the PDF417), so while documents wait to be signed
 * or uploaded it steps aside, for up to about five minutes, instead of taking their CPU.
 */
export async function renderPdf(
  deps: PipelineDeps,
  renderer: SharedPdfRenderer,
  job: Job<PdfJob & { yields?: number }>,
  token?: string,
) {
  const { tenantId, documentId } = job.data;
  const yields = job.data.yields ?? 0;
  if (yields < PDF_MAX_YIELDS && (await documentsWaiting(deps))) {
    await job.updateData({ ...job.data, yields: yields + 1 });
    await job.moveToDelayed(Date.now() + PDF_YIELD_MS, token);
    throw new DelayedError();
  }
  const document = await withTenant(deps.orm, tenantId, async (em) => {
    const [done] = await em.execute('select 1 from dte_pdf where document_id = ?', [documentId]);
    return done ? null : signedDocument(em, documentId);
  });
  if (!document) return;
  const format = defaultPdfFormat(document.docType);
  const pdf = await renderSigned(renderer, document, format);
  await withTenant(deps.orm, tenantId, (em) =>
    em.execute(
      `insert into dte_pdf (document_id, tenant_id, format, pdf) values (?, current_tenant_id(), ?, ?)
       on conflict (document_id) do nothing`,
      [documentId, format, pdf],
    ),
  );
}

/** Whether signing or uploading has a backlog (jobs waiting, not just running). */
async function documentsWaiting(deps: PipelineDeps): Promise<boolean> {
  const [sign, upload] = await Promise.all([
    deps.queues.sign.getWaitingCount(),
    deps.queues.upload.getWaitingCount(),
  ]);
  return sign + upload > 0;
}
