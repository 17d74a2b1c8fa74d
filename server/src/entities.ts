import { Supplier } from './purchasing/supplier.entity.ts';
import { Store, Terminal, Warehouse } from './tenancy/store.entity.ts';
import { Tenant } from './tenancy/tenant.entity.ts';
import { Membership, User } from './tenancy/user.entity.ts';

/**
 * Every MikroORM entity, listed explicitly (a domain that adds one appends it here). Like app.ts,
 * this file wires the domains together, so it imports the entity files directly: their front
 * doors pull in services and handlers that import the ORM module, and this list is read while
 * modules load.
 */
export const ENTITIES = [Tenant, Store, Warehouse, Terminal, User, Membership, Supplier];
