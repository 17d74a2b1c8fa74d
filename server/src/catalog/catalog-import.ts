import { randomUUID } from 'node:crypto';
import { ProductInput } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { pgArray } from '../platform/pg-array.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { barcodeConflicts, type ProductWrite, upsertProducts } from './catalog.service.ts';
import { parseCsv } from './csv.ts';

/**
 * CSV import of products and prices. Columns (Spanish headers, any order, accents optional):
 * codigo, nombre, marca, categoria, unidad, precio, codigos_barra (separated by `|`), exento,
 * pesable, plu, impuesto_adicional, activo. Only codigo is always required; a new product needs
 * nombre and precio too. An existing product (same codigo) changes only in the columns the file
 * has, so `codigo;precio` is a price list.
 */
const COLUMNS = {
  codigo: 'code',
  nombre: 'name',
  marca: 'brand',
  categoria: 'category',
  unidad: 'unit',
  precio: 'price',
  codigos_barra: 'barcodes',
  exento: 'exempt',
  pesable: 'weighable',
  plu: 'plu',
  impuesto_adicional: 'additionalTax',
  activo: 'active',
} as const;
type Field = (typeof COLUMNS)[keyof typeof COLUMNS];

const FIELD_LABELS: Record<Field, string> = {
  code: 'código',
  name: 'nombre',
  brand: 'marca',
  category: 'categoría',
  unit: 'unidad',
  price: 'precio',
  barcodes: 'códigos de barra',
  exempt: 'exento',
  weighable: 'pesable',
  plu: 'PLU',
  additionalTax: 'impuesto adicional',
  active: 'activo',
};

const headerKey = (h: string) =>
  h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const YES = new Set(['si', 'sí', 's', '1', 'true', 'x']);
const NO = new Set(['no', 'n', '0', 'false', '']);

/** A cell as the value ProductInput expects; the schema reports what is still wrong. */
function cellValue(field: Field, raw: string): unknown {
  const text = raw.trim();
  switch (field) {
    case 'price':
      // `$1.990` and `1990` are both 1990 pesos: the dot is a thousands separator in es-CL.
      return /^\$?\s*\d{1,3}(\.\d{3})*$|^\$?\s*\d+$/.test(text) ? Number(text.replace(/[$\s.]/g, '')) : text;
    case 'plu':
    case 'additionalTax':
      return text === '' ? null : /^\d+$/.test(text) ? Number(text) : text;
    case 'exempt':
    case 'weighable':
    case 'active': {
      const lower = text.toLowerCase();
      return YES.has(lower) ? true : NO.has(lower) ? false : text;
    }
    case 'barcodes':
      return text.split(/[|\s]+/).filter(Boolean);
    case 'unit': {
      const lower = text.toLowerCase();
      return lower === 'un' || lower === 'u' ? 'unidad' : lower === 'l' ? 'lt' : lower;
    }
    default:
      return text;
  }
}

interface ExistingProduct extends ProductWrite {}

interface ImportPlan {
  total: number;
  writes: { line: number; product: ProductWrite; isNew: boolean; changes: string[] }[];
  unchanged: number;
  errors: { line: number; message: string }[];
}

async function loadByCode(em: EntityManager, codes: string[]): Promise<Map<string, ExistingProduct>> {
  const rows = await em.execute<ExistingProduct[]>(
    `select p.id, p.code, p.name, p.brand, p.category, p.unit, p.weighable, p.plu, p.price, p.exempt,
            p.additional_tax as "additionalTax", p.active,
            coalesce((select array_agg(b.barcode order by b.barcode) from product_barcode b where b.product_id = p.id), '{}') as barcodes
       from product p where p.code = any(?::text[])`,
    [pgArray(codes)],
  );
  return new Map(rows.map((r) => [r.code, r]));
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Reads the file and decides, row by row, what applying it would do. Writes nothing. */
export async function planImport(em: EntityManager, csv: string): Promise<ImportPlan> {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw AppError.validation(undefined, 'El archivo está vacío.');
  const fields = header.cells.map((h) => COLUMNS[headerKey(h) as keyof typeof COLUMNS] as Field | undefined);
  if (!fields.includes('code')) throw AppError.validation(undefined, 'Falta la columna "codigo".');
  const plan: ImportPlan = { total: rows.length, writes: [], unchanged: 0, errors: [] };
  const existing = await loadByCode(
    em,
    rows.map((r) => r.cells[fields.indexOf('code')]?.trim() ?? ''),
  );
  const lineOfCode = new Map<string, number>();
  const lineOfBarcode = new Map<string, number>();
  for (const { line, cells } of rows) {
    const present: Partial<Record<Field, unknown>> = {};
    fields.forEach((field, i) => {
      if (field) present[field] = cellValue(field, cells[i] ?? '');
    });
    const code = String(present.code ?? '');
    const current = existing.get(code);
    const parsed = ProductInput.safeParse({ ...(current ?? {}), ...present });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path[0] as Field | undefined;
      plan.errors.push({
        line,
        message:
          field && field in FIELD_LABELS ? `Valor no válido en ${FIELD_LABELS[field]}.` : 'Fila no válida.',
      });
      continue;
    }
    if (lineOfCode.has(code)) {
      plan.errors.push({
        line,
        message: `El código ${code} ya aparece en la línea ${lineOfCode.get(code)}.`,
      });
      continue;
    }
    lineOfCode.set(code, line);
    const repeated = parsed.data.barcodes.find((b) => lineOfBarcode.has(b));
    if (repeated) {
      plan.errors.push({
        line,
        message: `El código de barras ${repeated} ya aparece en la línea ${lineOfBarcode.get(repeated)}.`,
      });
      continue;
    }
    for (const barcode of parsed.data.barcodes) lineOfBarcode.set(barcode, line);
    const product = { ...parsed.data, id: current?.id ?? randomUUID() };
    const changes = current
      ? (Object.keys(FIELD_LABELS) as Field[]).filter((f) => !sameValue(current[f], product[f]))
      : [];
    if (current && changes.length === 0) plan.unchanged++;
    else plan.writes.push({ line, product, isNew: !current, changes: changes.map((f) => FIELD_LABELS[f]) });
  }
  const conflicts = await barcodeConflicts(
    em,
    plan.writes.map((w) => w.product),
  );
  for (const conflict of conflicts) {
    const line = lineOfBarcode.get(conflict.barcode)!;
    plan.errors.push({
      line,
      message: `El código de barras ${conflict.barcode} ya pertenece a ${conflict.name} (${conflict.code}).`,
    });
  }
  const failed = new Set(plan.errors.map((e) => e.line));
  plan.writes = plan.writes.filter((w) => !failed.has(w.line));
  plan.errors.sort((a, b) => a.line - b.line);
  return plan;
}

export async function previewImport(em: EntityManager, csv: string) {
  const plan = await planImport(em, csv);
  return {
    total: plan.total,
    toCreate: plan.writes
      .filter((w) => w.isNew)
      .map((w) => ({ line: w.line, code: w.product.code, name: w.product.name })),
    toUpdate: plan.writes
      .filter((w) => !w.isNew)
      .map((w) => ({ line: w.line, code: w.product.code, name: w.product.name, changes: w.changes })),
    unchanged: plan.unchanged,
    errors: plan.errors,
  };
}

const CHUNK = 500;

/**
 * Applies a file with no errors in one transaction (all or nothing), in chunks of 500 rows,
 * reporting progress after each chunk. A file with errors is refused with the list.
 */
export async function applyImport(
  em: EntityManager,
  csv: string,
  events: PendingEvents,
  onProgress: (progress: { importId: string; processed: number; total: number }) => void,
) {
  const plan = await planImport(em, csv);
  if (plan.errors.length) {
    throw AppError.validation(plan.errors, 'El archivo tiene errores; revise la vista previa.');
  }
  const importId = randomUUID();
  // A barcode may move between two products of the file that land in different chunks.
  await em.execute('delete from product_barcode where product_id = any(?::uuid[])', [
    pgArray(plan.writes.map((w) => w.product.id)),
  ]);
  for (let i = 0; i < plan.writes.length; i += CHUNK) {
    await upsertProducts(
      em,
      plan.writes.slice(i, i + CHUNK).map((w) => w.product),
      events,
    );
    onProgress({ importId, processed: Math.min(i + CHUNK, plan.writes.length), total: plan.writes.length });
  }
  const created = plan.writes.filter((w) => w.isNew).length;
  return { importId, created, updated: plan.writes.length - created };
}
