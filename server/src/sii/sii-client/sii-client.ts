import { isBoletaType } from '@erp/shared';
import { BoletaRestClient } from './boleta-rest.client.ts';
import { DteSoapClient } from './dte-soap.client.ts';
import { SiiAuthError } from './http.ts';
import type { DocumentQuery, EnvioStatus } from './status-codes.ts';
import { signedTokenRequest } from './token-request.ts';
import type { EnvioDocument, SiiApi, SiiSession } from './types.ts';

/** Tokens are reused this long; the SII expires them after inactivity (re-check the exact TTL). */
const TOKEN_TTL_MS = 30 * 60 * 1000;

export interface SiiClientOptions {
  timeoutMs: number;
  /** Milliseconds since the epoch; tests move it to expire tokens. */
  now?: () => number;
}

/**
 * The SII for the pipeline: picks the API by document kind (boleta REST or DTE SOAP), gets a
 * token per API and certificate and keeps it until it expires; a refused token is dropped and
 * the call retried once with a fresh one.
 */
export class SiiClient {
  private readonly dte: SiiApi;
  private readonly boleta: SiiApi;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(options: SiiClientOptions) {
    this.dte = new DteSoapClient(options.timeoutMs);
    this.boleta = new BoletaRestClient(options.timeoutMs);
    this.now = options.now ?? Date.now;
  }

  /**
   * Uploads an envelope. `beforeSend` runs once the token is at hand, right before each upload
   * request (the pipeline records there that the request may reach the SII).
   */
  upload(
    session: SiiSession,
    boleta: boolean,
    xml: Buffer,
    fileName: string,
    beforeSend?: () => Promise<void>,
  ) {
    return this.withToken(session, boleta, async (api, token) => {
      await beforeSend?.();
      return api.upload(session, token, xml, fileName);
    });
  }

  status(session: SiiSession, trackId: string, documents: readonly EnvioDocument[]): Promise<EnvioStatus> {
    const boleta = documents.some((d) => isBoletaType(d.type));
    return this.withToken(session, boleta, (api, token) => api.status(session, token, trackId, documents));
  }

  /** What the SII holds of one document, whatever envío carried it (see `DocumentStanding`). */
  documentStatus(session: SiiSession, doc: EnvioDocument): Promise<DocumentQuery> {
    return this.withToken(session, isBoletaType(doc.type), (api, token) =>
      api.documentStatus(session, token, doc),
    );
  }

  private async withToken<T>(
    session: SiiSession,
    boleta: boolean,
    call: (api: SiiApi, token: string) => Promise<T>,
  ): Promise<T> {
    const api = boleta ? this.boleta : this.dte;
    const key = `${session.target}|${boleta ? 'boleta' : 'dte'}|${session.certificateId}`;
    for (let attempt = 0; ; attempt++) {
      const cached = this.tokens.get(key);
      const token =
        cached && cached.expiresAt > this.now()
          ? cached.token
          : await this.freshToken(api, session).then((fresh) => {
              this.tokens.set(key, { token: fresh, expiresAt: this.now() + TOKEN_TTL_MS });
              return fresh;
            });
      try {
        return await call(api, token);
      } catch (error) {
        if (!(error instanceof SiiAuthError) || attempt > 0) throw error;
        this.tokens.delete(key);
      }
    }
  }

  private async freshToken(api: SiiApi, session: SiiSession): Promise<string> {
    const seed = await api.seed(session);
    return api.token(session, signedTokenRequest(seed, session.credentials));
  }
}
