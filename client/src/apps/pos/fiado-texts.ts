import { formatClp } from '@erp/shared/money';

/** What the till says about fiado (customer accounts) and abonos. */
export const fiadoTexts = {
  method: 'Fiado',
  paidFiado: 'Fiado (cuenta cliente)',
  account: 'Cuenta del cliente',
  search: 'Buscar cliente por nombre o RUT',
  searchPlaceholder: 'Nombre o RUT',
  noResults: 'No hay cuentas con ese nombre o RUT.',
  pickAccount: 'Elija la cuenta del cliente.',
  change: 'Cambiar',
  balance: (balance: number, limit: number) => `Debe ${formatClp(balance)} de ${formatClp(limit)}`,
  available: (amount: number) => `Cupo disponible ${formatClp(amount)}`,
  blocked: 'Cuenta bloqueada',
  overdue: 'Con deuda vencida',
  overLimit: (amount: number, left: number) =>
    `El fiado de ${formatClp(amount)} supera el cupo disponible (${formatClp(left)}): requiere autorización.`,
  blockedNeedsApproval: 'La cuenta está bloqueada: el fiado requiere autorización de un supervisor.',
  askApproval: 'Pedir autorización',
  authorize: 'Autorizar fiado',
  approving: 'Autorizando…',
  approvalSubject: (name: string, amount: number) => `Fiado de ${formatClp(amount)} a ${name}`,
  approvedBy: (name: string) => `Autorizado por ${name}`,
  abono: {
    open: 'Abono a cuenta',
    title: 'Abono a cuenta de cliente',
    method: 'Medio de pago',
    amount: 'Monto del abono',
    authorizationCode: 'Código de autorización',
    confirm: (amount: string) => `Registrar abono ${amount}`,
    saving: 'Registrando…',
    done: (amount: number, balance: number) =>
      `Abono de ${formatClp(amount)} registrado. Saldo pendiente: ${formatClp(balance)}. Se imprime el comprobante.`,
    another: 'Otro abono',
    close: 'Cerrar',
    overBalance: (balance: number) => `El abono supera lo que debe el cliente (${formatClp(balance)}).`,
  },
} as const;
