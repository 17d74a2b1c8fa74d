import type { DteState } from '@erp/shared/events/index';
import { describe, expect, it } from 'vitest';
import { canRetry, hasPdf, hasSignedXml } from './document-states.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const row = (state: DteState, minutesAgo: number) => ({
  id: '00000000-0000-4000-8000-000000000001',
  saleId: '00000000-0000-4000-8000-000000000002',
  docType: 39,
  folio: 1,
  issuedAt: '2026-03-01T11:00:00.000Z',
  total: 1190,
  state,
  trackId: null,
  siiDetail: null,
  updatedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  offlineSyncedAt: null,
  sentAt: null,
  mails: [],
});

describe('what a document state allows', () => {
  it('retries a failed signature at once and an envelope only after its upload retries ran out', () => {
    expect(canRetry(row('failed', 0), NOW)).toBe(true);
    expect(canRetry(row('in_envelope', 10), NOW)).toBe(false);
    expect(canRetry(row('in_envelope', 16), NOW)).toBe(true);
    for (const state of ['stamped', 'signed', 'uploaded', 'accepted', 'objected', 'rejected'] as const) {
      expect([state, canRetry(row(state, 60), NOW)]).toEqual([state, false]);
    }
  });

  it('offers the XML once signed and the PDF only for documents that are not rejected', () => {
    expect(hasSignedXml('failed')).toBe(false);
    expect(hasSignedXml('rejected')).toBe(true);
    expect(hasPdf('rejected')).toBe(false);
    expect(hasPdf('accepted')).toBe(true);
    expect(hasPdf('stamped')).toBe(false);
  });
});
