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
  /** Remaining folios of a document type under which the back office and the wall are warned. */
  lowFolioThreshold: z.number().int().min(0).default(100),
  /**
   * The UF (Unidad de Fomento) in centavos (pesos with their 2 decimals, exact) and its date, as
   * the back office enters it until a source of daily values is configured: a boleta above
   * 135 UF must identify the buyer (see `boletaNeedsBuyer`). Null: not set, the conservative
   * `UF_FALLBACK` applies.
   */
  uf: z
    .object({ centavos: z.number().int().min(1).max(100_000_000), date: z.iso.date() })
    .nullable()
    .default(null),
  /** Largest discount (percent of the line) each role may give without a supervisor. */
  discountLimitPercent: z
    .object({
      owner: z.number().min(0).max(100).default(100),
      admin: z.number().min(0).max(100).default(100),
      supervisor: z.number().min(0).max(100).default(50),
      cashier: z.number().min(0).max(100).default(10),
      warehouse: z.number().min(0).max(100).default(0),
    })
    .default({ owner: 100, admin: 100, supervisor: 50, cashier: 10, warehouse: 0 }),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export function readTenantSettings(raw: unknown): TenantSettings {
  const parsed = TenantSettings.safeParse(raw ?? {});
  return parsed.success ? parsed.data : TenantSettings.parse({});
}
