import type { Role, Screen } from '@erp/shared/roles';

/** The screens a person opens in a browser (the hub is a device, not a page). */
export const APP_SCREENS = ['pos', 'wall', 'tablet', 'backoffice'] as const satisfies readonly Screen[];
export type AppScreen = (typeof APP_SCREENS)[number];

/**
 * Which screens each role may open. This is for the user experience only: the server checks the
 * role on every command, whatever page sent it.
 */
export const SCREENS_BY_ROLE: Readonly<Record<Role, readonly AppScreen[]>> = {
  owner: ['backoffice', 'pos', 'wall', 'tablet'],
  admin: ['backoffice', 'pos', 'wall', 'tablet'],
  supervisor: ['wall'],
  cashier: ['pos'],
  warehouse: ['tablet'],
};

export function screensFor(role: Role): readonly AppScreen[] {
  return SCREENS_BY_ROLE[role];
}

export function canOpen(role: Role, screen: AppScreen): boolean {
  return SCREENS_BY_ROLE[role].includes(screen);
}

/** POS, wall and tablet work for one store; the back office may span every store of the company. */
export function needsStore(screen: AppScreen): boolean {
  return screen !== 'backoffice';
}

/** URL of a screen's page, e.g. `/pos/`. */
export function appPath(screen: AppScreen): string {
  return `/${screen}/`;
}

export const LOGIN_PATH = '/';
