import type { DteState, DteView } from '@erp/shared/events/index';
import type { z } from 'zod';

/** What the back office may do with a document in each state. */
type DteRow = z.output<typeof DteView>;

/** The badge colour of a document state: final good, final with remarks, failed, or on its way. */
export const STATE_TONE: Readonly<Record<DteState, 'good' | 'warn' | 'bad' | 'busy'>> = {
  stamped: 'busy',
  signed: 'busy',
  in_envelope: 'busy',
  uploaded: 'busy',
  accepted: 'good',
  objected: 'warn',
  rejected: 'bad',
  failed: 'bad',
};

/** The server lets an envelope's upload retries run this long before it may be sent anew. */
const UPLOAD_GIVEN_UP_MS = 15 * 60_000;

/** States whose signed XML exists, so the XML can be downloaded. */
export function hasSignedXml(state: DteState): boolean {
  return state !== 'stamped' && state !== 'failed';
}

/** A rejected document is not a valid tax document: no PDF to print or hand out. */
export function hasPdf(state: DteState): boolean {
  return hasSignedXml(state) && state !== 'rejected';
}

/** Signing failed, or the envelope's upload gave up (`dte:retry` explains any refusal). */
export function canRetry(row: DteRow, now = Date.now()): boolean {
  return (
    row.state === 'failed' ||
    (row.state === 'in_envelope' && now - Date.parse(row.updatedAt) > UPLOAD_GIVEN_UP_MS)
  );
}
