/**
 * A folio lease's CAF key sealed to a store hub, and a TED stamped elsewhere checked against the
 * document it claims to stamp (docs/store-node.md).
 */
import { describe, expect, it } from 'vitest';
import { computeAmounts } from './amounts.ts';
import { checkDocumentTed, stampDocumentTed, validateDocument } from './builder.ts';
import { generateLeaseKeyPair, leaseSealContext, openSealed, sealToHub } from './lease-seal.ts';
import { sampleDocument, testCaf } from './test-support/index.ts';

const context = leaseSealContext({
  tenantId: '00000000-0000-4000-8000-000000000001',
  deviceId: '00000000-0000-4000-8000-000000000002',
  leaseId: '00000000-0000-4000-8000-000000000003',
});

describe('lease key sealing', () => {
  it('opens only with the hub key it was sealed to and only for its lease', () => {
    const hub = generateLeaseKeyPair();
    const other = generateLeaseKeyPair();
    const secret = '-----BEGIN RSA PRIVATE KEY-----\nMIIB…\n-----END RSA PRIVATE KEY-----';
    const sealed = sealToHub(secret, hub.publicKey, context);
    expect(JSON.stringify(sealed)).not.toContain('MIIB');
    expect(openSealed(sealed, hub.privateKeyPem, context).toString()).toBe(secret);
    // A fresh ephemeral key every time: two seals of one secret differ.
    expect(sealToHub(secret, hub.publicKey, context).ct).not.toBe(sealed.ct);
    expect(() => openSealed(sealed, other.privateKeyPem, context)).toThrow(/no se puede abrir/);
    expect(() => openSealed(sealed, hub.privateKeyPem, `${context}x`)).toThrow(/no se puede abrir/);
    const tampered = { ...sealed, ct: Buffer.from(sealed.ct, 'base64').reverse().toString('base64') };
    expect(() => openSealed(tampered, hub.privateKeyPem, context)).toThrow(/no se puede abrir/);
    expect(() => sealToHub(secret, 'no-es-una-llave', context)).toThrow(/X25519/);
  });
});

describe('checkDocumentTed', () => {
  const caf = testCaf(39);
  const stampedAt = '2026-03-02T10:11:12';
  const document = validateDocument({ ...sampleDocument(39), issueDate: '2026-03-02' });
  const amounts = computeAmounts(document);

  it('accepts the TED this document, folio, CAF and time give', () => {
    const ted = stampDocumentTed(document, 7, amounts, caf, stampedAt);
    expect(checkDocumentTed(ted, document, 7, amounts, caf.cafXml, stampedAt)).toEqual({ ok: true });
  });

  it('names what differs when a genuine TED belongs to another sale, and refuses a broken signature', () => {
    const ted = stampDocumentTed(document, 7, amounts, caf, stampedAt);
    expect(checkDocumentTed(ted, document, 8, amounts, caf.cafXml, stampedAt)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('folio (F)'),
    });
    expect(checkDocumentTed(ted, document, 7, amounts, caf.cafXml, '2026-03-02T10:11:13')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('(TSTED)'),
    });
    const other = validateDocument({
      ...sampleDocument(39),
      issueDate: '2026-03-02',
      lines: document.lines.slice(1),
    });
    expect(checkDocumentTed(ted, other, 7, computeAmounts(other), caf.cafXml, stampedAt)).toMatchObject({
      ok: false,
    });
    const forged = ted.replace(/<MNT>(\d+)<\/MNT>/, (_m, n) => `<MNT>${Number(n) + 1}</MNT>`);
    expect(checkDocumentTed(forged, document, 7, amounts, caf.cafXml, stampedAt)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('FRMT'),
    });
  });
});
