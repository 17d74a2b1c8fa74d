import { z } from 'zod';

/**
 * Per-tenant settings, stored as JSON on the tenant and always read through this schema so a
 * missing key falls back to its default.
 */
export const TenantSettings = z.object({
  /** Cash difference (either way) a cashier may close with; above it a supervisor must approve. */
  cashCloseTolerance: z.number().int().min(0).default(1000),
  /** Cash in a drawer above which the wall asks for a cash drop (retiro). */
  cashDropThreshold: z.number().int().min(0).default(300000),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export function readTenantSettings(raw: unknown): TenantSettings {
  const parsed = TenantSettings.safeParse(raw ?? {});
  return parsed.success ? parsed.data : TenantSettings.parse({});
}
