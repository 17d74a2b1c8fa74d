/**
 * HTTP to the SII: every request has a timeout and the User-Agent the SII expects (anything
 * without `PROG 1.0` gets HTML or a 401 from the boleta API [docs/sii-rules.md#web-services]). Errors carry
 * the operation and HTTP status only: tokens, cookies and bodies never reach an error message or log.
 */

export const SII_USER_AGENT = 'Mozilla/4.0 ( compatible; PROG 1.0; Windows NT)';

/** Worth retrying later: network failure, timeout, 5xx, HTML instead of XML, SII busy. */
export class SiiTransientError extends Error {
  override name = 'SiiTransientError';
}

/**
 * The request may have reached the SII, which may have acted on it, but no answer came back: a
 * timeout, a connection cut after the request was sent, a server error. Harmless to repeat for a
 * question; an upload must not be repeated before asking the SII what it holds
 * (docs/reliability.md#uploads-with-an-unknown-outcome).
 */
export class SiiUncertainError extends SiiTransientError {
  override name = 'SiiUncertainError';
}

/** The token was refused or expired: drop it, get a new one, retry. */
export class SiiAuthError extends SiiTransientError {
  override name = 'SiiAuthError';
}

/**
 * The SII gave no token (it did not accept the signed seed or the certificate). Not the
 * documents' fault, so never a rejection: they wait, retried with backoff, until the
 * certificate is fixed.
 */
export class SiiTokenRefusedError extends SiiTransientError {
  override name = 'SiiTokenRefusedError';
}

/** The SII refused the request for good (schema, signature, not authorised): never retry. */
export class SiiRefusedError extends Error {
  override name = 'SiiRefusedError';
  readonly code: string;
  readonly raw: string;
  constructor(code: string, message: string, raw: string) {
    super(message);
    this.code = code;
    this.raw = raw;
  }
}

export interface SiiResponse {
  status: number;
  text: string;
}

/** Connection failures that happen before a single byte of the request leaves this machine. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return code !== undefined && NOT_SENT.has(code);
}

export async function siiRequest(
  operation: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string | FormData },
  timeoutMs: number,
): Promise<SiiResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { 'User-Agent': SII_USER_AGENT, ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (neverSent(error)) throw new SiiTransientError(`SII ${operation}: sin conexión`);
    const reason =
      (error as Error).name === 'TimeoutError' ? `sin respuesta en ${timeoutMs} ms` : 'conexión cortada';
    throw new SiiUncertainError(`SII ${operation}: ${reason}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new SiiUncertainError(`SII ${operation}: respuesta cortada`);
  }
  if (response.status === 401) throw new SiiAuthError(`SII ${operation}: token rechazado (HTTP 401)`);
  // Too busy (429), the request not read in time (408), or unavailable (503): nothing was done.
  // Any other server error may come after the work was done.
  if (response.status === 429 || response.status === 408 || response.status === 503) {
    throw new SiiTransientError(`SII ${operation}: HTTP ${response.status}`);
  }
  if (response.status >= 500) throw new SiiUncertainError(`SII ${operation}: HTTP ${response.status}`);
  if (response.status >= 400) {
    throw new SiiRefusedError(`HTTP${response.status}`, `SII ${operation}: HTTP ${response.status}`, text);
  }
  return { status: response.status, text };
}

/** Text of the first `<name>` element (any prefix); undefined when absent. */
export function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(xml);
  return match?.[1]?.trim();
}

export function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `76192083-9` → `['76192083', '9']`. */
export function splitRut(rut: string): [string, string] {
  const [body, dv] = rut.split('-');
  return [body!, dv!];
}

/**
 * The multipart body both SII upload services take (DTEUpload and the boleta envío), with the
 * fields in the order the SII requires: sender RUT, company RUT, then the file.
 */
export function uploadForm(
  session: { senderRut: string; issuerRut: string },
  xml: Buffer,
  fileName: string,
): FormData {
  const [rutSender, dvSender] = splitRut(session.senderRut);
  const [rutCompany, dvCompany] = splitRut(session.issuerRut);
  const form = new FormData();
  form.append('rutSender', rutSender);
  form.append('dvSender', dvSender);
  form.append('rutCompany', rutCompany);
  form.append('dvCompany', dvCompany);
  form.append('archivo', new Blob([new Uint8Array(xml)], { type: 'text/xml' }), fileName);
  return form;
}
