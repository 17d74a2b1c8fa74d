import { ERROR_MESSAGES, type ErrorCode, isErrorCode } from '@erp/shared/errors';
import type { Role } from '@erp/shared/roles';
import type { AppScreen } from '../access/screens.ts';

/** Every user-facing string of the shared client code, in Spanish (Chile). */
export const t = {
  appName: 'ERP Market',
  login: {
    title: 'Iniciar sesión',
    subtitle: 'Ingrese con su correo y contraseña.',
    email: 'Correo electrónico',
    emailPlaceholder: 'nombre@empresa.cl',
    password: 'Contraseña',
    submit: 'Ingresar',
    submitting: 'Ingresando…',
    missingFields: 'Ingrese su correo y su contraseña.',
    greeting: (name: string) => `Hola, ${name}`,
    chooseCompany: 'Elija la empresa',
    chooseScreen: 'Elija la pantalla',
    chooseStore: 'Elija la sucursal',
    loadingStores: 'Cargando sucursales…',
    noStores: 'La empresa no tiene sucursales.',
    allStores: 'Todas las sucursales',
    noScreens: 'Su rol no tiene pantallas disponibles.',
    noMemberships: 'Su usuario no pertenece a ninguna empresa. Contacte al administrador.',
    changeCompany: 'Cambiar empresa',
    back: 'Volver',
    open: 'Abrir',
  },
  shell: {
    logout: 'Cerrar sesión',
    company: 'Empresa',
    store: 'Sucursal',
    user: 'Usuario',
    allStores: 'Todas las sucursales',
    serverSession: 'Sesión confirmada por el servidor',
    serverSessionPending: 'Confirmando la sesión con el servidor…',
    role: 'Rol',
    screen: 'Pantalla',
    underConstruction: 'Pantalla en construcción',
    underConstructionDetail:
      'Esta pantalla todavía no tiene sus funciones. Por ahora solo confirma la sesión y la conexión en tiempo real.',
    noPermission: (screen: string) => `No tiene permiso para abrir ${screen}.`,
    storeRequired: (screen: string) => `Elija una sucursal para abrir ${screen}.`,
  },
  connection: {
    idle: 'Sin conectar',
    connecting: 'Conectando…',
    connected: 'Conectado',
    reconnecting: 'Reconectando…',
    offline: 'Sin conexión',
    lostDuringCommand:
      'Se perdió la conexión antes de recibir la respuesta. Revise si la operación se realizó antes de reintentar.',
    unexpectedAnswer: 'El servidor respondió algo inesperado. Recargue la página.',
  },
  rut: {
    label: 'RUT',
    placeholder: '12.345.678-5',
    invalid: 'El RUT no es válido. Revise los números y el dígito verificador.',
  },
  numpad: {
    clear: 'Borrar todo',
    backspace: 'Borrar',
    enter: 'Aceptar',
  },
  dismiss: 'Cerrar aviso',
  roles: {
    owner: 'Dueño',
    admin: 'Administrador',
    supervisor: 'Supervisor',
    cashier: 'Cajero',
    warehouse: 'Bodega',
  } satisfies Record<Role, string>,
  screens: {
    pos: 'Punto de venta',
    wall: 'Pared de ventas',
    tablet: 'Tablet de bodega',
    backoffice: 'Back office',
  } satisfies Record<AppScreen, string>,
  screenHints: {
    pos: 'Venta en caja',
    wall: 'Ventas y alertas en vivo para supervisión',
    tablet: 'Recepción, conteo y traslados',
    backoffice: 'Administración de la empresa',
  } satisfies Record<AppScreen, string>,
} as const;

/** An error payload from the server or a notice: a code and its Spanish message. */
export interface ErrorLike {
  code: string;
  message?: string;
}

/**
 * Spanish text for an error: its own message, else the shared catalog's message for its code
 * (ERROR_MESSAGES in @erp/shared is the single source). A plain string is a code or a sentence.
 */
export function errorText(error: ErrorCode | ErrorLike | string): string {
  if (typeof error === 'string') return isErrorCode(error) ? ERROR_MESSAGES[error] : error;
  if (error.message) return error.message;
  return isErrorCode(error.code) ? ERROR_MESSAGES[error.code] : ERROR_MESSAGES.INTERNAL;
}
