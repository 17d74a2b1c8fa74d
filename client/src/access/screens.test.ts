import { ROLES } from '@erp/shared/roles';
import { describe, expect, it } from 'vitest';
import { APP_SCREENS, canOpen, screensFor } from './screens.ts';

describe('screens by role', () => {
  it('gives each role its screen, and owners and admins every screen', () => {
    const table = Object.fromEntries(
      ROLES.map((role) => [role, APP_SCREENS.filter((s) => canOpen(role, s))]),
    );
    expect(table).toEqual({
      owner: ['pos', 'wall', 'tablet', 'backoffice'],
      admin: ['pos', 'wall', 'tablet', 'backoffice'],
      supervisor: ['wall'],
      cashier: ['pos'],
      warehouse: ['tablet'],
    });
    expect(screensFor('admin')[0]).toBe('backoffice'); // offered first on the login page
  });
});
