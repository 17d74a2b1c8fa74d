/**
 * PDFs of the tenant's own documents, from the signed XML as stored: the worker renders each
 * accepted document once into `dte_pdf`; the back office downloads that, or any other format on
 * demand. Each process holds at most one Chromium, launched on first use (docs/reliability.md#pdf-rendering).
 */
import { isBoletaType } from '@erp/shared';
import { readDocuments } from '@erp/sii-core';
import { DelayedError, type Job } from 'bullmq';
import { withTenant } from '../platform/orm.ts';
import { hasStoredPdf, type StoredDocument, savePdf, signedDocument } from './dte.queries.ts';
import { DtePdfRenderer, type PdfFormat } from './pdf/pdf.ts';
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

/** How long a PDF job steps aside while documents are being signed or sent, and for how long at most. */
const PDF_YIELD_MS = 2_000;
const PDF_MAX_ASIDE_MS = 5 * 60_000;

/**
 * The `sii-pdf` job: renders an accepted document once; a PDF already stored means done. The PDF
 * is a convenience (the download renders one on demand when none is stored) and rendering is the
 * pipeline's most expensive step (Chromium and the PDF417), so while documents are being signed,
 * enveloped or uploaded it steps aside, for up to about five minutes from its first step aside,
 * instead of taking their CPU. Stepping aside holds the queue's one slot for PDF_YIELD_MS before
 * the job goes back to wait: moved away at once, the next PDF job would step aside too, and a
 * backlog of thousands made a busy loop through them all, at the CPU it was meant to leave.
 */
export async function renderPdf(
  deps: PipelineDeps,
  renderer: SharedPdfRenderer,
  job: Job<PdfJob & { asideSince?: number }>,
  token?: string,
) {
  const { tenantId, documentId } = job.data;
  const asideSince = job.data.asideSince ?? Date.now();
  if (Date.now() - asideSince < PDF_MAX_ASIDE_MS && (await documentsWaiting(deps))) {
    await new Promise((resolve) => setTimeout(resolve, PDF_YIELD_MS));
    if (await documentsWaiting(deps)) {
      await job.updateData({ ...job.data, asideSince });
      await job.moveToDelayed(Date.now() + PDF_YIELD_MS, token);
      throw new DelayedError();
    }
  }
  const document = await withTenant(deps.orm, tenantId, async (em) => {
    return (await hasStoredPdf(em, documentId)) ? null : signedDocument(em, documentId);
  });
  if (!document) return;
  const format = defaultPdfFormat(document.docType);
  const pdf = await renderSigned(renderer, document, format);
  await withTenant(deps.orm, tenantId, (em) => savePdf(em, documentId, format, pdf));
}

/**
 * Whether documents are on their way to the SII: signing, enveloping or uploading jobs waiting or
 * running. A steady flow keeps one of them running most of the time, and a PDF rendered then
 * takes its CPU (tens of milliseconds in the worker, more in Chromium) from the documents behind.
 */
async function documentsWaiting(deps: PipelineDeps): Promise<boolean> {
  const counts = await Promise.all(
    [deps.queues.sign, deps.queues.envelope, deps.queues.upload].map((queue) =>
      queue.getJobCountByTypes('waiting', 'active'),
    ),
  );
  return counts.some((n) => n > 0);
}
