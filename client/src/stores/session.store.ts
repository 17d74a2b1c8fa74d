import { type ErrorCode, type ErrorPayload, fail, ok, type Result } from '@erp/shared/errors';
import { LoginResponse, MembershipView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { z } from 'zod';
import { apiRequest } from '../http/api.ts';
import { STORE_IDS } from './ids.ts';

export type Membership = z.output<typeof MembershipView>;
export type SessionUser = z.output<typeof LoginResponse>['user'];

/** localStorage: the session outlives the tab (a POS reopened after a crash stays signed in). */
export const SESSION_STORAGE_KEY = 'erp-market.session.v1';
/** sessionStorage: a message for the next page of this tab (pages are separate Vite entries). */
export const NOTICE_STORAGE_KEY = 'erp-market.notice.v1';

/** What the login page chose: the company, and the store when the membership spans all stores. */
const Selection = z.object({
  tenantSlug: z.string(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
});
export type Selection = z.output<typeof Selection>;

const PersistedSession = LoginResponse.extend({ selection: Selection.nullable().default(null) });
type PersistedSession = z.output<typeof PersistedSession>;

const Notice = z.object({ code: z.string(), message: z.string() });
export type Notice = z.output<typeof Notice>;

/** Codes that end the session: the token is no longer valid. */
export const SESSION_ENDING_CODES: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
];

/** setTimeout cannot wait longer than this (about 24.8 days) without firing at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function readJson(storage: Storage | undefined, key: string): unknown {
  try {
    const raw = storage?.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function browserStorage(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return globalThis[kind];
  } catch {
    return undefined; // storage disabled by the browser's privacy settings
  }
}

/**
 * The signed-in user: token, memberships and the chosen company/store, kept in localStorage so
 * every page (login, POS, wall, tablet, back office) shares them. Expiry is enforced on the
 * client too: at `expiresAt` the session is cleared and a notice explains why.
 */
export const useSessionStore = defineStore(STORE_IDS.SESSION, () => {
  const token = ref<string | null>(null);
  const expiresAt = ref<string | null>(null);
  const user = ref<SessionUser | null>(null);
  const memberships = ref<Membership[]>([]);
  const selection = ref<Selection | null>(null);
  /** A message to show once (why the user landed on the login page). */
  const notice = ref<Notice | null>(null);

  const isAuthenticated = computed(() => token.value !== null);

  /** The membership that applies to the selection: the one bound to the chosen store, else the tenant-wide one. */
  const membership = computed<Membership | null>(() => {
    const chosen = selection.value;
    if (!chosen) return null;
    const inTenant = memberships.value.filter((m) => m.tenantSlug === chosen.tenantSlug);
    return (
      inTenant.find((m) => m.storeId !== null && m.storeId === chosen.storeId) ??
      inTenant.find((m) => m.storeId === null) ??
      null
    );
  });
  const role = computed(() => membership.value?.role ?? null);
  const tenantSlug = computed(() => selection.value?.tenantSlug ?? null);
  const tenantName = computed(() => membership.value?.tenantName ?? null);
  const storeId = computed(() => selection.value?.storeId ?? null);
  const storeName = computed(() => selection.value?.storeName ?? null);

  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  function persist(): void {
    const storage = browserStorage('localStorage');
    if (!storage) return;
    if (!token.value) {
      storage.removeItem(SESSION_STORAGE_KEY);
      return;
    }
    const data: PersistedSession = {
      token: token.value,
      expiresAt: expiresAt.value!,
      user: user.value!,
      memberships: memberships.value,
      selection: selection.value,
    };
    storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(data));
  }

  function scheduleExpiry(): void {
    clearTimeout(expiryTimer);
    expiryTimer = undefined;
    if (!expiresAt.value) return;
    const remaining = Date.parse(expiresAt.value) - Date.now();
    if (remaining > MAX_TIMER_MS) return; // re-checked on the next page load
    expiryTimer = setTimeout(() => end('TOKEN_EXPIRED'), Math.max(0, remaining));
  }

  function apply(session: PersistedSession | null): void {
    token.value = session?.token ?? null;
    expiresAt.value = session?.expiresAt ?? null;
    user.value = session?.user ?? null;
    memberships.value = session?.memberships ?? [];
    selection.value = session?.selection ?? null;
    scheduleExpiry();
  }

  function setNotice(value: Notice | ErrorPayload | null): void {
    notice.value = value ? { code: value.code, message: value.message } : null;
    const storage = browserStorage('sessionStorage');
    if (!storage) return;
    if (value) storage.setItem(NOTICE_STORAGE_KEY, JSON.stringify(notice.value));
    else storage.removeItem(NOTICE_STORAGE_KEY);
  }

  /** Forgets the session locally (no server call) and leaves a notice, e.g. TOKEN_EXPIRED. */
  function end(code?: ErrorCode, message?: string): void {
    apply(null);
    persist();
    if (code) setNotice(fail(code, message).error);
  }

  /** Loads the session saved by another page; an expired or malformed one is discarded. */
  function restore(): void {
    const parsed = PersistedSession.safeParse(readJson(browserStorage('localStorage'), SESSION_STORAGE_KEY));
    if (!parsed.success) {
      apply(null);
    } else if (Date.parse(parsed.data.expiresAt) <= Date.now()) {
      end('TOKEN_EXPIRED');
    } else {
      apply(parsed.data);
    }
    const saved = Notice.safeParse(readJson(browserStorage('sessionStorage'), NOTICE_STORAGE_KEY));
    notice.value = saved.success ? saved.data : null;
  }

  /**
   * Another tab wrote the session. Follow sign-ins and sign-outs, but not its company/store
   * choice: an admin may run the POS of store A here and of store B in the other tab.
   */
  function onStorage(event: StorageEvent): void {
    if (event.key !== SESSION_STORAGE_KEY && event.key !== null) return;
    const parsed = PersistedSession.safeParse(readJson(browserStorage('localStorage'), SESSION_STORAGE_KEY));
    if (!parsed.success) {
      if (token.value) end('TOKEN_REVOKED'); // signed out elsewhere, which revoked our token too
      return;
    }
    if (parsed.data.token === token.value) return;
    apply({ ...parsed.data, selection: null }); // someone else signed in: choose again
  }

  async function login(email: string, password: string): Promise<Result<void>> {
    const result = await apiRequest('/api/auth/login', {
      method: 'POST',
      body: { email, password },
      schema: LoginResponse,
    });
    if (!result.ok) return result;
    setNotice(null);
    const only = result.data.memberships.length === 1 ? result.data.memberships[0]! : null;
    apply({
      ...result.data,
      // One membership: nothing to choose. A store-bound one also fixes the store.
      selection: only
        ? { tenantSlug: only.tenantSlug, storeId: only.storeId, storeName: only.storeName }
        : null,
    });
    persist();
    return ok(undefined);
  }

  /** Revokes the token on the server (best effort: offline, it still signs out here). */
  async function logout(): Promise<void> {
    const current = token.value;
    end();
    setNotice(null);
    if (current) await apiRequest('/api/auth/logout', { method: 'POST', token: current });
  }

  /** Re-reads the memberships from the server (`GET /api/auth/me`); ends the session if the token is dead. */
  async function refresh(): Promise<Result<void>> {
    if (!token.value) return fail('UNAUTHENTICATED');
    const result = await apiRequest('/api/auth/me', {
      token: token.value,
      schema: z.object({ userId: z.string(), memberships: z.array(MembershipView) }),
    });
    if (!result.ok) {
      if (SESSION_ENDING_CODES.includes(result.error.code)) end(result.error.code, result.error.message);
      return result;
    }
    memberships.value = result.data.memberships;
    if (selection.value && !membership.value) selection.value = null; // membership was removed
    persist();
    return ok(undefined);
  }

  /** Chooses the company (and, for a store-bound membership, its store). */
  function chooseMembership(chosen: Membership): void {
    selection.value = { tenantSlug: chosen.tenantSlug, storeId: chosen.storeId, storeName: chosen.storeName };
    persist();
  }

  /** Chooses a store within a tenant-wide membership; null = all stores (back office). */
  function chooseStore(id: string | null, name: string | null): void {
    if (!selection.value) return;
    selection.value = { ...selection.value, storeId: id, storeName: name };
    persist();
  }

  function clearSelection(): void {
    selection.value = null;
    persist();
  }

  restore();
  if (typeof window !== 'undefined') window.addEventListener('storage', onStorage);

  return {
    token,
    expiresAt,
    user,
    memberships,
    selection,
    notice,
    isAuthenticated,
    membership,
    role,
    tenantSlug,
    tenantName,
    storeId,
    storeName,
    restore,
    login,
    logout,
    refresh,
    end,
    setNotice,
    chooseMembership,
    chooseStore,
    clearSelection,
  };
});
