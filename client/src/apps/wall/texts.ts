import type { PrinterState } from '@erp/shared/events/index';
import { formatClp } from '@erp/shared/money';

const n = (value: number) => value.toLocaleString('es-CL');
const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`;

/** Every user-facing string of the sales wall, in Spanish (Chile). */
export const tx = {
  loading: 'Cargando la pared de ventas…',
  today: 'Hoy',
  company: 'Toda la empresa',
  total: 'Ventas netas',
  tickets: 'Tickets',
  averageTicket: 'Ticket promedio',
  returnsCount: (count: number) => `Devoluciones (${n(count)})`,
  returnsDetail: (count: number, amount: number) =>
    count === 0
      ? 'Sin devoluciones'
      : `${plural(count, 'devolución', 'devoluciones')} · ${formatClp(-amount)}`,
  ticketCount: (count: number) => plural(count, 'ticket', 'tickets'),
  average: (amount: number) => `Promedio ${formatClp(amount)}`,
  hourly: 'Ventas por hora',
  currentHour: (hour: number, amount: number, tickets: number) =>
    `${String(hour).padStart(2, '0')}:00 · ${formatClp(amount)} · ${plural(tickets, 'ticket', 'tickets')}`,
  hourLabel: (hour: number) => `${String(hour).padStart(2, '0')}h`,
  noSalesYet: 'Todavía no hay ventas hoy.',
  cashiers: 'Cajeros',
  cashier: 'Cajero',
  store: 'Sucursal',
  recentSales: 'Últimas ventas',
  waiting: 'Esperando ventas…',
  sale: (doc: string, folio: number) => `${doc} ${folio}`,
  returned: 'Devolución',
  drawers: 'Efectivo en cajas',
  dropThreshold: (amount: number) => `Retiro sobre ${formatClp(amount)}`,
  noDrawers: 'No hay cajas abiertas.',
  cashDrop: 'Retiro de efectivo',
  pendingApproval: 'Cierre por aprobar',
  audit: 'Auditoría',
  noAudit: 'Sin anulaciones, descuentos ni aperturas de cajón hoy.',
  auditKinds: {
    line_void: 'Línea anulada',
    return: 'Devolución',
    discount: 'Descuento',
    price_override: 'Precio modificado',
    drawer_open: 'Cajón abierto sin venta',
    reprint: 'Reimpresión',
    approval_refused: 'PIN de autorización incorrecto',
  } as Record<string, string>,
  drawerReasons: { no_sale: 'sin venta', cash_count: 'para arqueo' } as Record<string, string>,
  copy: (n: number) => `copia ${n}`,
  /** A wrong approval PIN: whose, and how many tries are left before it locks. */
  approvedBy: (name: string) => `autorizó ${name}`,
  refusedPin: (supervisor: string, left: number) =>
    `${supervisor} · ${left === 0 ? 'PIN bloqueado' : `quedan ${plural(left, 'intento', 'intentos')}`}`,
  sii: 'Documentos SII de hoy',
  siiPending: 'Por enviar o en revisión',
  siiRejected: 'Rechazados',
  siiOldest: (minutes: number) =>
    minutes < 1
      ? 'el más antiguo, recién emitido'
      : `el más antiguo hace ${plural(minutes, 'minuto', 'minutos')}`,
  siiStates: { rejected: 'Rechazado', failed: 'Falló el envío' } as Record<string, string>,
  folios: 'Folios disponibles',
  foliosLow: (threshold: number) => `Alerta bajo ${n(threshold)}`,
  noFolios: 'No hay CAF cargados.',
  remaining: (count: number) => n(count),
  lowStock: 'Stock bajo el mínimo',
  lowStockMore: (count: number) => `y ${plural(count, 'producto más', 'productos más')}`,
  noLowStock: 'Ningún producto bajo su mínimo.',
  lowStockLine: (quantity: string, minimum: string) => `${quantity} de mín. ${minimum}`,
  hubOnline: 'Hub en línea',
  hubOffline: 'Hub desconectado',
  noHub: 'Sin hub',
  /** A store selling on its own (docs/store-node.md): since when, and sales not yet received. */
  nodeOffline: (since: string, pending: number) =>
    `Sin conexión desde ${since}${pending > 0 ? `, ${plural(pending, 'venta', 'ventas')} por sincronizar` : ''}`,
  nodeSyncing: (pending: number) => `${plural(pending, 'venta', 'ventas')} por sincronizar`,
  printerStates: {
    ready: 'Impresora lista',
    paper_out: 'Sin papel',
    cover_open: 'Tapa abierta',
    offline: 'Impresora fuera de línea',
    error: 'Impresora con error',
    unknown: 'Impresora sin estado',
    disconnected: 'Impresora desconectada',
  } satisfies Record<PrinterState, string>,
  paperNearEnd: 'Papel por acabarse',
  unknown: '—',
};
