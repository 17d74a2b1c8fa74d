import type { SigningCredentials } from '@erp/sii-core';
import type { SiiHosts, SiiTarget } from '../sii-target.ts';
import type { DocumentQuery, EnvioStatus } from './status-codes.ts';

/** Who talks to which SII: the issuer, the certificate holder who signs and sends, the hosts. */
export interface SiiSession {
  target: SiiTarget;
  hosts: SiiHosts;
  issuerRut: string;
  senderRut: string;
  certificateId: string;
  credentials: SigningCredentials;
}

/** A document of an envío, as the status services need it. */
export interface EnvioDocument {
  type: number;
  folio: number;
  receiverRut: string;
  issueDate: string;
  total: number;
}

/** One SII API (SOAP for DTE, REST for boletas): the same four steps, and one document's status. */
export interface SiiApi {
  seed(session: SiiSession): Promise<string>;
  token(session: SiiSession, signedSeed: string): Promise<string>;
  upload(
    session: SiiSession,
    token: string,
    xml: Buffer,
    fileName: string,
  ): Promise<{ trackId: string; raw: string }>;
  status(
    session: SiiSession,
    token: string,
    trackId: string,
    documents: readonly EnvioDocument[],
  ): Promise<EnvioStatus>;
  documentStatus(session: SiiSession, token: string, doc: EnvioDocument): Promise<DocumentQuery>;
}
