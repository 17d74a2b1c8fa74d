/**
 * Tenancy's front door: what other domains, the app, scripts and tests use from it. Only
 * re-exports, so importing it runs nothing.
 */
export { APPROVAL_MAX_FAILURES, ApprovalService, approvalActor } from './approvals.service.ts';
export { type MembershipRow, tenantIdBySlug } from './auth.queries.ts';
export { bearer, registerAuthRoutes } from './auth.routes.ts';
export { AuthService, type AuthSettings, type VerifiedSession } from './auth.service.ts';
export { DEMO_PASSWORD, DEMO_TENANTS, seedDemo } from './demo-seed.ts';
export { hashPassword } from './password.ts';
export { Store } from './store.entity.ts';
export {
  assertSameStore,
  assertStoreScope,
  type StoreScopedActor,
  type StoreScopedKind,
} from './store-scope.ts';
export { registerTenancyHandlers } from './tenancy.handlers.ts';
export { type SeededTenant, seedTenant, type TenantSpec } from './tenant-seed.ts';
export { tenantSettings } from './tenant-settings.ts';
