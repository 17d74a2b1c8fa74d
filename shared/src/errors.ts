/**
 * The closed set of error codes every component may return, and the Spanish (es-CL) message a
 * client shows for each. Commands answer with `Result<T>`; a failure carries one of these codes.
 */
export const ERROR_MESSAGES = {
  VALIDATION: 'Los datos enviados no son válidos.',
  UNAUTHENTICATED: 'Debe iniciar sesión.',
  INVALID_CREDENTIALS: 'Correo o contraseña incorrectos.',
  TOO_MANY_ATTEMPTS: 'Demasiados intentos fallidos. Espere unos minutos antes de volver a intentar.',
  APPROVAL_INVALID: 'Supervisor o PIN de autorización incorrectos.',
  APPROVAL_LOCKED:
    'El PIN de autorización de ese supervisor está bloqueado por intentos fallidos. Espere o pida la autorización a otro supervisor.',
  RATE_LIMITED: 'Demasiadas solicitudes en poco tiempo. Espere unos segundos y vuelva a intentar.',
  TOKEN_EXPIRED: 'Su sesión expiró. Inicie sesión nuevamente.',
  TOKEN_REVOKED: 'Su sesión fue cerrada. Inicie sesión nuevamente.',
  WRONG_TENANT: 'Su usuario no pertenece a esta empresa.',
  FORBIDDEN: 'No tiene permiso para realizar esta acción.',
  /** A person bound to a store named something of another store of the company. */
  STORE_SCOPE: 'Eso pertenece a otra sucursal: solo puede operar en la suya.',
  NOT_FOUND: 'No se encontró lo solicitado.',
  CONFLICT: 'La operación entra en conflicto con otra. Intente nuevamente.',
  IDEMPOTENCY_MISMATCH: 'Se reutilizó un identificador de operación con datos distintos.',
  PRICE_CHANGED: 'Cambiaron los precios de algunos productos. Confirme los nuevos precios.',
  NO_FOLIOS: 'No quedan folios autorizados para este tipo de documento. Cargue un nuevo CAF.',
  INSUFFICIENT_STOCK: 'No hay stock suficiente para completar la operación.',
  DISCOUNT_NOT_ALLOWED: 'El descuento supera el máximo permitido para su rol.',
  CUSTOMER_REQUIRED: 'La factura requiere un cliente con RUT, razón social, giro y dirección.',
  CUSTOMER_EXISTS: 'Ya hay un cliente con ese RUT: se usan sus datos registrados.',
  BOLETA_NEEDS_RECEIVER:
    'Una boleta sobre 135 UF debe identificar al comprador (Ley 21.713): RUT, nombre, correo y teléfono.',
  INVALID_RUT: 'El RUT no es válido.',
  /** Fiado: the sale would take the account over its limit, or the account is blocked. */
  FIADO_OVER_LIMIT: 'La venta supera el cupo de fiado del cliente: pida la autorización de un supervisor.',
  ACCOUNT_BLOCKED: 'La cuenta del cliente está bloqueada: pida la autorización de un supervisor.',
  CASH_SESSION_REQUIRED: 'Debe abrir una caja antes de vender.',
  /** Another till resumed or discarded the parked ticket first. */
  PARKED_TICKET_GONE: 'Ese ticket en espera ya no está: otra caja lo retomó o lo descartó.',
  PARKED_TICKETS_FULL:
    'La sucursal ya tiene el máximo de tickets en espera. Retome o descarte alguno antes de dejar otro.',
  CAF_INVALID: 'El archivo CAF no es válido.',
  /** Store node: an offline sale's folio is not in a live lease of the hub that sends it. */
  LEASE_REFUSED: 'El folio no pertenece a un arriendo de folios vigente de este hub.',
  /** Store node: an offline sale's folio was already used by another sale. */
  FOLIO_USED: 'Ese folio ya se usó en otra venta.',
  /** Store node: an offline sale's timbre does not verify or does not match the sale. */
  TED_INVALID: 'El timbre electrónico (TED) de la venta no es válido.',
  /** Store node: the hub sent another sealing key than the one bound to its credential. */
  HUB_KEY_MISMATCH:
    'La llave de este hub no es la registrada con su credencial: renueve la credencial en el back office.',
  /**
   * Store node: a till operation done at the hub offline that the central server cannot take as
   * is (the till had another session at the central meanwhile, or it was closed there).
   */
  TILL_CONFLICT:
    'La caja cambió en la central mientras la tienda estaba sin conexión: un supervisor debe revisarla.',
  CERTIFICATE_INVALID: 'El certificado digital no es válido o la contraseña es incorrecta.',
  CERTIFICATE_REQUIRED: 'Cargue el certificado digital de la empresa para firmar documentos.',
  SII_ERROR: 'El SII rechazó o no respondió la solicitud.',
  DEVICE_UNAVAILABLE: 'El dispositivo no está disponible.',
  EXPIRED_COMMAND: 'La orden llegó tarde y no se ejecutó.',
  /** Client-side: the server could not be reached (no network, server down); nothing was sent. */
  OFFLINE: 'No hay conexión con el servidor. Revise la red e intente nuevamente.',
  /** Client-side: a command was sent but no answer came back in time; its outcome is unknown. */
  TIMEOUT: 'El servidor no respondió a tiempo. Revise si la operación se realizó antes de reintentar.',
  INTERNAL: 'Ocurrió un error inesperado. Intente nuevamente.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface ErrorPayload {
  code: ErrorCode;
  /** Spanish text for the user; may be more specific than the default message of the code. */
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(
  code: ErrorCode,
  message?: string,
  details?: unknown,
): { ok: false; error: ErrorPayload } {
  const error: ErrorPayload = { code, message: message ?? ERROR_MESSAGES[code] };
  if (details !== undefined) error.details = details;
  return { ok: false, error };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}
