/**
 * What the simulated SII holds of each document, for its per-document status services
 * (QueryEstDte, the boleta API's `…/estado`) [docs/sii-rules.md#web-services]. Every copy of a
 * document that arrived is kept with its verdict and the moment its envío is processed; the copy
 * that registered the folio (the first one accepted) is the document, and later copies (refused
 * as repeated) never change what the SII answers about it. Before its envío is processed a
 * document is not registered yet: the SII answers FAU, as for one it never received.
 */
import { xmlField } from '../sii-client/http.ts';
import { documentOutcome } from '../sii-client/status-codes.ts';

/** The data the SII checks a status query against: the TED's date, receiver and total. */
export interface Stamp {
  /** `AAAA-MM-DD`. */
  issueDate: string;
  receiverRut: string;
  total: number;
}

interface Copy {
  status: string;
  reason: string;
  stamp: Stamp | undefined;
  /** When the envío that brought it counts as processed. */
  readyAt: number;
  /** This copy registered the folio (accepted); refused copies and injected verdicts do not. */
  registers: boolean;
}

/** An answer of the per-document services: the code and its words. */
export interface DocumentAnswer {
  code: string;
  reason: string;
}

const NOT_RECEIVED: DocumentAnswer = { code: 'FAU', reason: 'Documento No Recibido por el SII.' };
const MATCHES: DocumentAnswer = {
  code: 'DOK',
  reason: 'Documento Recibido por el SII. Datos Coinciden con los Registrados.',
};
const DIFFERS: DocumentAnswer = {
  code: 'DNK',
  reason: 'Documento Recibido por el SII pero Datos NO Coinciden con los registrados.',
};
/** The codes the SII documents for its per-document services (the verdicts are the simulator's). */
const DOCUMENTED = new Set([
  'DOK',
  'DNK',
  'FAU',
  'FNA',
  'FAN',
  'EMP',
  'TMD',
  'TMC',
  'MMD',
  'MMC',
  'AND',
  'ANC',
]);

/** The TED data of every DTE in an envelope, by `type-folio` (the TED's `DD`: TD, F, FE, RR, MNT). */
export function readStamps(xml: string): Map<string, Stamp> {
  const stamps = new Map<string, Stamp>();
  for (const [dd] of xml.matchAll(/<DD>[\s\S]*?<\/DD>/g)) {
    // The DD's own fields come before its CAF, whose DA repeats RE and TD.
    const field = (name: string) => xmlField(dd, name) ?? '';
    stamps.set(`${field('TD')}-${field('F')}`, {
      issueDate: field('FE'),
      receiverRut: field('RR'),
      total: Number(field('MNT')),
    });
  }
  return stamps;
}

/** The data a status query asks about; the date as `DDMMAAAA` (QueryEstDte) or `DD-MM-AAAA` (boletas). */
export function askedStamp(date: string, receiverRut: string, total: string): Stamp {
  const parts = /^(\d{2})-?(\d{2})-?(\d{4})$/.exec(date);
  return {
    issueDate: parts ? `${parts[3]}-${parts[2]}-${parts[1]}` : '',
    receiverRut,
    total: Number(total),
  };
}

function sameData(a: Stamp, b: Stamp): boolean {
  return (
    a.issueDate === b.issueDate &&
    a.receiverRut.toUpperCase() === b.receiverRut.toUpperCase() &&
    a.total === b.total
  );
}

export class DocumentRegistry {
  /** Copies by `rut-type-folio`, in arrival order. */
  private readonly copies = new Map<string, Copy[]>();

  add(key: string, copy: Copy): void {
    const list = this.copies.get(key);
    if (list) list.push(copy);
    else this.copies.set(key, [copy]);
  }

  /**
   * QueryEstDte's answer: FAU until a copy's envío is processed; for the registered document DOK,
   * or DNK when the query's date, receiver or amount differ from its TED; for a document never
   * registered, the last processed copy's own verdict (RCH, RPR… with its reason).
   */
  answer(key: string, asked: Stamp, now: number): DocumentAnswer {
    const copies = this.copies.get(key) ?? [];
    const registered = copies.find((c) => c.registers);
    // Envíos are processed in the order they arrived: nothing after the registering copy counts
    // before it does.
    if (registered) {
      if (registered.readyAt > now) return NOT_RECEIVED;
      return registered.stamp && !sameData(registered.stamp, asked) ? DIFFERS : MATCHES;
    }
    const last = copies.filter((c) => c.readyAt <= now).at(-1);
    return last ? { code: last.status, reason: last.reason } : NOT_RECEIVED;
  }

  /**
   * The same answer in the documented codes only, as the boleta API gives it: a document judged
   * without being registered is one the SII does not hold (FAU) when refused, and one it holds
   * (DOK) when accepted with objections.
   */
  documentedAnswer(key: string, asked: Stamp, now: number): DocumentAnswer {
    const found = this.answer(key, asked, now);
    if (DOCUMENTED.has(found.code)) return found;
    return documentOutcome(found.code) === 'rejected' ? NOT_RECEIVED : MATCHES;
  }
}
