import type { DteState } from '@erp/shared/events/index';

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

/** States whose signed XML exists, so the PDF and the XML can be downloaded. */
export function hasSignedXml(state: DteState): boolean {
  return state !== 'stamped' && state !== 'failed';
}
