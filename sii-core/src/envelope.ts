/**
 * Envelopes: EnvioDTE (33, 34, 52, 56, 61) and EnvioBOLETA (39, 41) [docs/sii-rules.md#envelopes]. The signed
 * DTEs are pasted byte for byte (never re-serialised), then `SetDTE` is signed in the context of
 * the envelope root. Output bytes are ISO-8859-1.
 */
import { isBoletaType, normalizeRut, SII_RUT } from '@erp/shared';
import { DTE_START_TAG, type SignedDte } from './builder.ts';
import type { SigningCredentials } from './certificate.ts';
import { chileTimestamp } from './chile-time.ts';
import { DteError } from './errors.ts';
import { SII_NAMESPACE_DECLARATIONS, signatureFor } from './signer.ts';
import { element } from './xml.ts';

export type EnvelopeKind = 'EnvioDTE' | 'EnvioBOLETA';

/** Documents per envelope [XSD EnvioDTE_v10 / EnvioBOLETA_v11; docs/sii-rules.md#envelopes]. */
export const MAX_DOCUMENTS: Readonly<Record<EnvelopeKind, number>> = { EnvioDTE: 2000, EnvioBOLETA: 500 };

/**
 * Bytes per envelope file. The SII publishes no number: its upload only answers STATUS 2
 * ("error en tamaño del archivo") for a file too large or too small [docs/sii-rules.md#envelopes].
 * So the limit is kept at the size the document-count limits already make the SII take: a full
 * EnvioBOLETA of 500 ordinary boletas (about 5 KB each signed) is 2.5 to 3 MB. 4 MiB stays close
 * to that; it only bites on EnvioDTE, whose 2000 documents of up to 60 lines could otherwise reach
 * tens of megabytes.
 */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

/** What an envelope adds to its documents' bytes: declarations, Caratula, the set's signature with its certificate. */
const ENVELOPE_OVERHEAD_BYTES = 16 * 1024;
const SCHEMA_FILE: Readonly<Record<EnvelopeKind, string>> = {
  EnvioDTE: 'EnvioDTE_v10.xsd',
  EnvioBOLETA: 'EnvioBOLETA_v11.xsd',
};

/**
 * Inside `SetDTE`, whose canonical form already declares both namespaces, C14N drops the DTE's
 * own (identical, hence superfluous) declarations: this is the DTE start tag as digested there.
 */
const DTE_START_TAG_IN_SET = '<DTE version="1.0">';

export interface EnvelopeOptions {
  credentials: SigningCredentials;
  /** RutReceptor of the Caratula: the SII by default; the buyer's RUT for the buyer's copy. */
  receiverRut?: string;
  /** RutEnvia: the certificate holder's RUT by default. */
  senderRut?: string;
  /** TmstFirmaEnv; now by default. */
  signedAt?: Date;
}

export function envelopeKindFor(type: number): EnvelopeKind {
  return isBoletaType(type) ? 'EnvioBOLETA' : 'EnvioDTE';
}

/**
 * How many of the next documents (their signed XML sizes in bytes, oldest first) go into one
 * envelope of this kind: at most its document limit, and no more than fit in MAX_ENVELOPE_BYTES.
 * At least one, so a queue always moves (one document alone is far below the limit).
 */
export function envelopeFit(
  kind: EnvelopeKind,
  sizes: readonly number[],
  maxBytes = MAX_ENVELOPE_BYTES,
): number {
  const limit = Math.min(sizes.length, MAX_DOCUMENTS[kind]);
  let bytes = ENVELOPE_OVERHEAD_BYTES;
  let count = 0;
  while (count < limit) {
    // Each document is pasted with a line break after it.
    bytes += sizes[count]! + 1;
    if (bytes > maxBytes && count > 0) break;
    count++;
  }
  return count;
}

/** Builds and signs the envelope; returns its ISO-8859-1 bytes. */
export function buildEnvelope(dtes: readonly SignedDte[], options: EnvelopeOptions): Buffer {
  const first = dtes[0];
  if (!first) throw new DteError('VALIDATION', 'El envío debe contener al menos un documento.');
  const kind = envelopeKindFor(first.type);
  checkCompatible(dtes, kind);

  const sender = normalizeRut(options.senderRut ?? options.credentials.rut ?? '');
  if (!sender) {
    throw new DteError(
      'CERTIFICATE_INVALID',
      'El certificado digital no indica el RUT de su titular: indique el RUT de quien envía.',
    );
  }
  const receiver = normalizeRut(options.receiverRut ?? SII_RUT);
  if (!receiver) throw new DteError('INVALID_RUT', 'El RUT receptor del envío no es válido.');

  const counts = new Map<number, number>();
  for (const dte of dtes) counts.set(dte.type, (counts.get(dte.type) ?? 0) + 1);
  const caratula =
    '<Caratula version="1.0">' +
    element('RutEmisor', first.issuerRut) +
    element('RutEnvia', sender) +
    element('RutReceptor', receiver) +
    element('FchResol', first.resolution.date) +
    element('NroResol', first.resolution.number) +
    element('TmstFirmaEnv', chileTimestamp(options.signedAt ?? new Date())) +
    [...counts]
      .map(([type, count]) => `<SubTotDTE>${element('TpoDTE', type)}${element('NroDTE', count)}</SubTotDTE>`)
      .join('') +
    '</Caratula>';

  const setContent = (dteTexts: string[]) => `${caratula}\n${dteTexts.join('\n')}\n`;
  const canonicalSet = `<SetDTE ${SII_NAMESPACE_DECLARATIONS} ID="SetDoc">${setContent(
    dtes.map((dte) => DTE_START_TAG_IN_SET + dte.xml.slice(DTE_START_TAG.length)),
  )}</SetDTE>`;
  const signature = signatureFor('SetDoc', canonicalSet, options.credentials);

  const xml =
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n' +
    `<${kind} ${SII_NAMESPACE_DECLARATIONS} xsi:schemaLocation="http://www.sii.cl/SiiDte ${SCHEMA_FILE[kind]}" version="1.0">` +
    `<SetDTE ID="SetDoc">${setContent(dtes.map((dte) => dte.xml))}</SetDTE>${signature}</${kind}>\n`;
  if (xml.length > MAX_ENVELOPE_BYTES && dtes.length > 1) {
    throw new DteError(
      'VALIDATION',
      `El envío pesa ${xml.length} bytes: a lo más ${MAX_ENVELOPE_BYTES} (repártalo con envelopeFit).`,
    );
  }
  return Buffer.from(xml, 'latin1');
}

function checkCompatible(dtes: readonly SignedDte[], kind: EnvelopeKind): void {
  const first = dtes[0]!;
  if (dtes.length > MAX_DOCUMENTS[kind]) {
    throw new DteError('VALIDATION', `Un ${kind} admite a lo más ${MAX_DOCUMENTS[kind]} documentos.`);
  }
  const ids = new Set<string>();
  for (const dte of dtes) {
    if (envelopeKindFor(dte.type) !== kind) {
      throw new DteError(
        'VALIDATION',
        'No se pueden enviar boletas junto con facturas, notas o guías en un mismo envío.',
      );
    }
    if (dte.issuerRut !== first.issuerRut)
      throw new DteError('VALIDATION', 'Todos los documentos de un envío deben ser del mismo emisor.');
    if (dte.resolution.number !== first.resolution.number || dte.resolution.date !== first.resolution.date) {
      throw new DteError(
        'VALIDATION',
        'Todos los documentos de un envío deben indicar la misma resolución del SII.',
      );
    }
    if (!dte.xml.startsWith(DTE_START_TAG))
      throw new DteError('VALIDATION', `El documento ${dte.id} no fue firmado por este módulo.`);
    if (ids.has(dte.id))
      throw new DteError('VALIDATION', `El documento ${dte.id} está repetido en el envío.`);
    ids.add(dte.id);
  }
}
