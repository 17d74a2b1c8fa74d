import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';
import { currentTenantId } from './tenant-context.ts';

/** Primary key: a UUID made in the process, so ids exist before the insert. */
export const idProperty = () =>
  p
    .uuid()
    .primary()
    .onCreate(() => randomUUID());

/** `tenant_id` of a tenant-owned row, filled from the unit of work's tenant. */
const tenantIdProperty = () => p.uuid().onCreate(() => currentTenantId());

export const createdAtProperty = () =>
  p
    .datetime()
    .columnType('timestamptz')
    .onCreate(() => new Date());

/** What every tenant-owned row has: its id, its tenant and when it was created. */
export const tenantRowProperties = () => ({
  id: idProperty(),
  tenantId: tenantIdProperty(),
  createdAt: createdAtProperty(),
});
