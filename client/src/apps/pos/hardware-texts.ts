import type { PrinterState, PrintJobView } from '@erp/shared/events/index';
import { t } from '../../i18n/es-CL.ts';

/** The document a job prints, as the cashier knows it: "Boleta electrónica N° 12 (copia)". */
function documentLabel(job: PrintJobView): string {
  const name = job.documentType === null ? 'Documento' : (t.pos.docNames[job.documentType] ?? 'Documento');
  const folio = job.folio === null ? '' : ` N° ${job.folio}`;
  return `${name}${folio}${job.isCopy ? ' (copia)' : ''}`;
}

/** Every user-facing string of the POS's printer, drawer and scale controls, in Spanish (Chile). */
export const tx = {
  printer: {
    label: 'Impresora',
    /** Short state for the badge; the long one (PRINTER_STATE_MESSAGES) is its tooltip. */
    states: {
      ready: 'Lista',
      paper_out: 'Sin papel',
      cover_open: 'Tapa abierta',
      offline: 'Fuera de línea',
      error: 'Con error',
      unknown: 'Estado desconocido',
      disconnected: 'Sin conexión',
    } satisfies Record<PrinterState, string>,
    nearEnd: 'Papel por acabarse',
    noHub: 'Hub desconectado',
    noHubHint: 'El hub de la sucursal no está conectado: las boletas esperan y se imprimen cuando vuelva.',
    notReported: 'Sin información',
    queued: (n: number) => (n === 1 ? '1 en cola' : `${n} en cola`),
  },
  jobs: {
    title: 'Impresión',
    documentLabel,
    pending: 'Enviando a la impresora…',
    pendingNoHub: 'En espera: el hub no está conectado.',
    received: 'En cola.',
    waiting: (printerState: string) => `Esperando: ${printerState.toLowerCase()}. Se imprime al resolverlo.`,
    sending: 'Imprimiendo…',
    uncertain: '¿Se imprimió? La impresora se cortó mientras imprimía. Revise el papel.',
    expired: 'No se imprimió a tiempo.',
    printed: (label: string) => `Impreso: ${label}.`,
    reprint: 'Imprimir copia',
    printedOk: 'Sí, salió bien',
    dismiss: 'Descartar',
  },
  drawer: {
    open: 'Abrir cajón',
    title: 'Abrir el cajón sin venta',
    hint: 'La apertura queda registrada y la ve el supervisor.',
    noSale: 'Sin venta',
    cashCount: 'Arqueo de caja',
    opened: 'Cajón abierto.',
    saleFailed: 'No se abrió el cajón para la venta.',
    /** The sale's one opening is used: this one is recorded as without a sale. */
    openAfterFailure: 'Abrir sin venta (queda registrado)',
  },
  scale: {
    tare: 'Tara',
    zero: 'Cero',
    net: 'Neto',
    done: { tare: 'Tara aplicada.', zero: 'Balanza en cero.' },
  },
};
