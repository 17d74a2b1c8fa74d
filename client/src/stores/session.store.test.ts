// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_STORAGE_KEY, SESSION_STORAGE_KEY, useSessionStore } from './session.store.ts';

const TENANT_A = {
  tenantId: '0c8f3b7e-2a51-4f0e-9a51-7d8e0c1b2a3f',
  tenantSlug: 'almacen-rosita',
  tenantName: 'Almacén Rosita SpA',
  role: 'cashier',
  storeId: '5d2a8c61-0b3e-4f7a-8c9d-1e2f3a4b5c6d',
  storeName: 'Sucursal Centro',
} as const;
const TENANT_B = {
  tenantId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
  tenantSlug: 'minimarket-sur',
  tenantName: 'Minimarket Sur Ltda.',
  role: 'admin',
  storeId: null,
  storeName: null,
} as const;

function loginAnswer(expiresInMs: number, memberships: object[] = [TENANT_A]) {
  return {
    token: 'token-123',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    user: { id: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b', email: 'ana@rosita.cl', name: 'Ana' },
    memberships,
  };
}

function respond(status: number, body: unknown, contentType = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return vi.fn(
    async () =>
      new Response(status === 204 ? null : text, { status, headers: { 'content-type': contentType } }),
  );
}

/** A new page load: a fresh Pinia reading what the previous page left in storage. */
function newPage() {
  setActivePinia(createPinia());
  return useSessionStore();
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('session store: login and persistence', () => {
  it('keeps the token, user and memberships for the next page, and picks the only company', async () => {
    const fetchMock = respond(200, loginAnswer(3_600_000));
    vi.stubGlobal('fetch', fetchMock);
    const session = newPage();

    const result = await session.login('ana@rosita.cl', 'secreta');

    expect(result).toEqual({ ok: true, data: undefined });
    expect(fetchMock).toHaveBeenCalledWith('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@rosita.cl', password: 'secreta' }),
    });
    expect(JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY)!).token).toBe('token-123');

    const next = newPage();
    expect(next.isAuthenticated).toBe(true);
    expect(next.user?.name).toBe('Ana');
    expect(next.tenantName).toBe('Almacén Rosita SpA');
    expect(next.role).toBe('cashier');
    expect(next.storeId).toBe(TENANT_A.storeId);
    expect(next.storeName).toBe('Sucursal Centro');
  });

  it('asks for a company when there are several, then remembers the choice and store', async () => {
    vi.stubGlobal('fetch', respond(200, loginAnswer(3_600_000, [TENANT_A, TENANT_B])));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');
    expect(session.membership).toBeNull();

    session.chooseMembership(TENANT_B);
    session.chooseStore('3f2e1d0c-9b8a-4765-8432-10fedcba9876', 'Sucursal Norte');

    const next = newPage();
    expect(next.tenantSlug).toBe('minimarket-sur');
    expect(next.role).toBe('admin'); // the tenant-wide membership applies to any of its stores
    expect(next.storeName).toBe('Sucursal Norte');
  });

  it('discards a stored session that is malformed', () => {
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ token: 42 }));
    expect(newPage().isAuthenticated).toBe(false);
    localStorage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(newPage().isAuthenticated).toBe(false);
  });

  it('logs out on the server with the bearer token and forgets the session', async () => {
    vi.stubGlobal('fetch', respond(200, loginAnswer(3_600_000)));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');
    const logoutMock = respond(204, '');
    vi.stubGlobal('fetch', logoutMock);

    await session.logout();

    expect(logoutMock).toHaveBeenCalledWith('/api/auth/logout', {
      method: 'POST',
      headers: { authorization: 'Bearer token-123' },
      body: undefined,
    });
    expect(session.isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });
});

describe('session store: login errors in Spanish', () => {
  it.each([
    [
      'wrong credentials',
      respond(401, {
        ok: false,
        error: { code: 'INVALID_CREDENTIALS', message: 'Correo o contraseña incorrectos.' },
      }),
      'INVALID_CREDENTIALS',
      'Correo o contraseña incorrectos.',
    ],
    [
      'too many attempts',
      respond(429, {
        ok: false,
        error: {
          code: 'TOO_MANY_ATTEMPTS',
          message: 'Demasiados intentos fallidos. Espere unos minutos antes de volver a intentar.',
        },
      }),
      'TOO_MANY_ATTEMPTS',
      'Demasiados intentos fallidos. Espere unos minutos antes de volver a intentar.',
    ],
    [
      'server down (network error)',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
      'OFFLINE',
      'No hay conexión con el servidor. Revise la red e intente nuevamente.',
    ],
    [
      'server down behind a proxy (502 page)',
      respond(502, '<html>Bad Gateway</html>', 'text/html'),
      'OFFLINE',
      'No hay conexión con el servidor. Revise la red e intente nuevamente.',
    ],
  ])('%s', async (_case, fetchMock, code, message) => {
    vi.stubGlobal('fetch', fetchMock);
    const session = newPage();
    const result = await session.login('ana@rosita.cl', 'mala');
    expect(result).toEqual({ ok: false, error: { code, message } });
    expect(session.isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });
});

describe('session store: expiry', () => {
  it('ends the session at expiresAt and leaves a notice for the login page', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('fetch', respond(200, loginAnswer(60_000)));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');

    vi.advanceTimersByTime(59_000);
    expect(session.isAuthenticated).toBe(true);
    vi.advanceTimersByTime(1_000);

    expect(session.isAuthenticated).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(session.notice).toEqual({
      code: 'TOKEN_EXPIRED',
      message: 'Su sesión expiró. Inicie sesión nuevamente.',
    });
    // The next page (the login) shows the same notice.
    expect(newPage().notice?.code).toBe('TOKEN_EXPIRED');
    expect(JSON.parse(sessionStorage.getItem(NOTICE_STORAGE_KEY)!).code).toBe('TOKEN_EXPIRED');
  });

  it('does not restore a session that expired while no page was open', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('fetch', respond(200, loginAnswer(60_000)));
    await newPage().login('ana@rosita.cl', 'secreta');
    setActivePinia(createPinia()); // the page is closed: its timer no longer matters
    vi.setSystemTime(Date.now() + 120_000);

    const next = newPage();
    expect(next.isAuthenticated).toBe(false);
    expect(next.notice?.code).toBe('TOKEN_EXPIRED');
  });

  it('ends the session when the server says the token was revoked', async () => {
    vi.stubGlobal('fetch', respond(200, loginAnswer(3_600_000)));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');
    vi.stubGlobal(
      'fetch',
      respond(401, {
        ok: false,
        error: { code: 'TOKEN_REVOKED', message: 'Su sesión fue cerrada. Inicie sesión nuevamente.' },
      }),
    );

    const result = await session.refresh();

    expect(result.ok).toBe(false);
    expect(session.isAuthenticated).toBe(false);
    expect(session.notice?.code).toBe('TOKEN_REVOKED');
  });
});

describe('session store: other tabs', () => {
  function storageEvent() {
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_STORAGE_KEY }));
  }

  it('follows a sign-out in another tab, with a notice', async () => {
    vi.stubGlobal('fetch', respond(200, loginAnswer(3_600_000)));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');

    localStorage.removeItem(SESSION_STORAGE_KEY); // what the other tab's logout does
    storageEvent();

    expect(session.isAuthenticated).toBe(false);
    expect(session.notice?.code).toBe('TOKEN_REVOKED');
  });

  it('ignores another tab choosing a different store', async () => {
    vi.stubGlobal('fetch', respond(200, loginAnswer(3_600_000, [TENANT_A, TENANT_B])));
    const session = newPage();
    await session.login('ana@rosita.cl', 'secreta');
    session.chooseMembership(TENANT_B);
    session.chooseStore('11111111-2222-4333-8444-555555555555', 'Sucursal Norte');

    const other = newPage(); // the other tab, same token, picks another store
    other.chooseStore('66666666-7777-4888-9999-000000000000', 'Sucursal Sur');
    storageEvent();

    expect(session.isAuthenticated).toBe(true);
    expect(session.storeName).toBe('Sucursal Norte');
  });
});
