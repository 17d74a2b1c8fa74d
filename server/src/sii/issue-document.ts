import type { DteDocument } from '@erp/shared';
import { type DocumentAmounts, stampDocumentTed } from '@erp/sii-core';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { announceFolioState } from './folio-alert.ts';
import { loadCaf, takeFolio } from './folios.ts';

/** A tax document issued at the till: its folio's CAF and what the result shows. */
export interface IssuedDocument {
  cafId: string;
  /** The fields a sale's or a return's result carries about its document. */
  fields: {
    docType: number;
    folio: number;
    net: number;
    iva: number;
    exempt: number;
    total: number;
    ted: string;
  };
}

/**
 * Issues the tax document of a sale or a return in the caller's transaction: takes the next
 * folio of its type (the counter row stays locked until commit, so call it as late as possible),
 * loads that folio's CAF (parsed once per process) and stamps the TED. The worker signs the full
 * DTE later from the same document and `stampedAt`. A folio that takes its type under the
 * low-folio threshold queues the alert in `events`.
 */
export async function issueTaxDocument(
  em: SqlExecutor,
  box: SecretBox,
  tenantId: string,
  document: DteDocument,
  amounts: DocumentAmounts,
  stampedAt: string,
  events: PendingEvents,
): Promise<IssuedDocument> {
  const { folio, cafId, remaining, crossed } = await takeFolio(em, document.type);
  if (crossed) announceFolioState(events, 'folio:low', document.type, remaining);
  const ted = stampDocumentTed(document, folio, amounts, await loadCaf(em, box, tenantId, cafId), stampedAt);
  const { net, iva, exempt, total } = amounts.totals;
  return {
    cafId,
    fields: { docType: document.type, folio, net: net ?? 0, iva: iva ?? 0, exempt: exempt ?? 0, total, ted },
  };
}
