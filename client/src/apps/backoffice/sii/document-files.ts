import type { ErrorPayload, Result } from '@erp/shared/errors';
import { apiBlob } from '../../../http/api.ts';
import { useSessionStore } from '../../../stores/session.store.ts';
import { tx } from './texts.ts';

/** How long a file's blob URL lives: long enough for the PDF viewer to load and save it. */
const BLOB_URL_MS = 5 * 60_000;

function fetchFile(documentId: string, kind: 'pdf' | 'xml'): Promise<Result<Blob>> {
  const session = useSessionStore();
  return apiBlob(`/api/t/${encodeURIComponent(session.tenantSlug ?? '')}/dte/${documentId}/${kind}`, {
    token: session.token ?? undefined,
  });
}

function blobUrl(blob: Blob): string {
  const url = URL.createObjectURL(blob);
  setTimeout(() => URL.revokeObjectURL(url), BLOB_URL_MS);
  return url;
}

/**
 * Opens the document's PDF in a new tab; answers the problem to show, or null. The download
 * carries the bearer token in a header (never in a URL), so the tab shows a blob of it. The tab
 * opens during the click itself, which popup blockers allow, and gets the PDF when it arrives.
 */
export async function openPdf(documentId: string): Promise<ErrorPayload | string | null> {
  const tab = window.open('', '_blank');
  if (!tab) return tx.documents.popupBlocked;
  const file = await fetchFile(documentId, 'pdf');
  if (!file.ok) {
    tab.close();
    return file.error;
  }
  tab.location.href = blobUrl(file.data);
  return null;
}

/** Saves the signed XML as `fileName` (through a blob, for the same reason); answers the problem, or null. */
export async function downloadXml(documentId: string, fileName: string): Promise<ErrorPayload | null> {
  const file = await fetchFile(documentId, 'xml');
  if (!file.ok) return file.error;
  const link = document.createElement('a');
  link.href = blobUrl(file.data);
  link.download = fileName;
  link.click();
  return null;
}
