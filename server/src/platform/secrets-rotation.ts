import { initOrm } from './orm.ts';
import type { SecretBox } from './secrets.ts';
import {
  allTenantIds,
  enterTenant,
  lockSealedTables,
  type SealedTable,
  sealedRows,
  sealedTables,
  updateSealedRow,
} from './secrets-rotation.queries.ts';

export interface RotationReport {
  /** Values that were sealed with the old key and now are with the new one. */
  rotated: number;
  /** Values already sealed with the new key (a rotation run again, or data sealed since). */
  current: number;
}

/** Some values open with neither key: the rotation changed nothing. */
export class UnknownSecretsKeyError extends Error {
  /** `table id` of each row with such a value. */
  readonly where: string[];

  constructor(where: string[]) {
    super(`secrets sealed with neither key (nothing was changed): ${where.join(', ')}`);
    this.where = where;
  }
}

/**
 * Re-seals every secret at rest (every `*_sealed` column of every tenant) from one key to the
 * other, in one transaction on the owner's connection: either all of them open with the new key
 * afterwards or, when any value opens with neither key, nothing changed. Values already sealed
 * with the new key are left as they are, so a rotation can be run again. The sealed tables are
 * locked against writes meanwhile; the server and worker must then run with the new key.
 */
export async function rotateSecrets(
  ownerUrl: string,
  from: SecretBox,
  to: SecretBox,
): Promise<RotationReport> {
  const orm = await initOrm(ownerUrl, 1);
  try {
    return await orm.em.fork().transactional(async (em) => {
      const tables = await sealedTables(em);
      await lockSealedTables(em, tables);
      const report: RotationReport = { rotated: 0, current: 0 };
      const unknown: string[] = [];
      for (const tenantId of await allTenantIds(em)) {
        await enterTenant(em, tenantId);
        for (const table of tables) {
          for (const row of await sealedRows(em, table)) {
            const resealed = resealRow(row, table, tenantId, from, to, report);
            if (resealed === 'unknown') unknown.push(`${table.table} ${row.id}`);
            else if (resealed) await updateSealedRow(em, table, row.id!, resealed);
          }
        }
      }
      if (unknown.length > 0) throw new UnknownSecretsKeyError(unknown);
      return report;
    });
  } finally {
    await orm.close(true);
  }
}

/** A row's values sealed with `to`: null when all of them already were, 'unknown' when one opens with neither. */
function resealRow(
  row: Record<string, string | null>,
  { columns }: SealedTable,
  tenantId: string,
  from: SecretBox,
  to: SecretBox,
  report: RotationReport,
): (string | null)[] | null | 'unknown' {
  let changed = false;
  const values: (string | null)[] = [];
  for (const column of columns) {
    const sealed = row[column] ?? null;
    if (sealed === null || opens(to, sealed, tenantId)) {
      if (sealed !== null) report.current++;
      values.push(sealed);
      continue;
    }
    const plain = tryOpen(from, sealed, tenantId);
    if (plain === null) return 'unknown';
    values.push(to.seal(plain, tenantId));
    report.rotated++;
    changed = true;
  }
  return changed ? values : null;
}

function tryOpen(box: SecretBox, sealed: string, tenantId: string): Buffer | null {
  try {
    return box.open(sealed, tenantId);
  } catch {
    return null;
  }
}

const opens = (box: SecretBox, sealed: string, tenantId: string) => tryOpen(box, sealed, tenantId) !== null;
