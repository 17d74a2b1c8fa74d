// @vitest-environment happy-dom
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { useApproversStore } from './approvers.store.ts';

describe('approvers store', () => {
  it("lists the store's approvers for the supervisor's picker, and keeps the last list when a read fails", async () => {
    setActivePinia(createPinia());
    signedIn();
    const server = fakeRealtime();
    const store = useApproversStore();
    const approvers = [
      { userId: crypto.randomUUID(), name: 'Sergio Supervisor', role: 'supervisor' as const },
    ];
    server.on('approval:approvers', () => approvers);
    expect((await store.load()).ok).toBe(true);
    expect(store.approvers).toEqual(approvers);
    server.on('approval:approvers', () => fail('OFFLINE'));
    await store.load();
    expect(store.approvers).toEqual(approvers);
  });
});
