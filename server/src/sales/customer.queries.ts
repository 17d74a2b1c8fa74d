import { randomUUID } from 'node:crypto';
import type { CustomerComplete, CustomerInput, CustomerView } from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

type Customer = z.infer<typeof CustomerView>;

/** The tenant's invoice customers, as the POS finds and saves them. Every function runs in the caller's tenant transaction. */

const COLUMNS = 'id, rut, razon_social as "razonSocial", giro, address, comuna, email, phone';

export async function findCustomerByRut(em: SqlExecutor, rut: string): Promise<Customer | null> {
  const [row] = await em.execute<Customer[]>(`select ${COLUMNS} from customer where rut = ?`, [rut]);
  return row ?? null;
}

export async function getCustomer(em: SqlExecutor, id: string): Promise<Customer> {
  const [row] = await em.execute<Customer[]>(`select ${COLUMNS} from customer where id = ?`, [id]);
  if (!row) throw AppError.notFound('el cliente');
  return row;
}

/**
 * Creates a customer; undefined when the tenant already has one with that RUT, which stays as
 * it is (the till creates customers, it never edits them).
 */
export async function insertCustomer(
  em: SqlExecutor,
  input: z.infer<typeof CustomerInput>,
): Promise<Customer | undefined> {
  const [row] = await em.execute<Customer[]>(
    `insert into customer (id, tenant_id, rut, razon_social, giro, address, comuna, email, phone)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, rut) do nothing
     returning ${COLUMNS}`,
    [
      randomUUID(),
      input.rut,
      input.razonSocial,
      input.giro ?? null,
      input.address ?? null,
      input.comuna ?? null,
      input.email ?? null,
      input.phone ?? null,
    ],
  );
  return row;
}

/** The customer with the input's RUT: created from the input, or the stored one unchanged. */
export async function customerFromInput(
  em: SqlExecutor,
  input: z.infer<typeof CustomerInput>,
): Promise<Customer> {
  // A conflicting insert waited for the other transaction's commit, so this read sees its row.
  return (await insertCustomer(em, input)) ?? (await findCustomerByRut(em, input.rut))!;
}

const FILLABLE = ['giro', 'address', 'comuna', 'email', 'phone'] as const;
export type FillableField = (typeof FILLABLE)[number];

/**
 * Fills in the customer's blank fields (null or empty) with the input's values; a field that has
 * a value keeps it. Answers the customer as it is now and which fields this call filled.
 */
export async function fillCustomerBlanks(
  em: SqlExecutor,
  input: z.infer<typeof CustomerComplete>,
): Promise<{ customer: Customer; filled: FillableField[] }> {
  // `old` is the row as locked before the update: a field counts as filled when it was blank there.
  const sets = FILLABLE.map((f) => `${f} = coalesce(nullif(c.${f}, ''), ?, c.${f})`).join(', ');
  const filled = FILLABLE.map(
    (f) => `case when nullif(old.${f}, '') is null and nullif(c.${f}, '') is not null then '${f}' end`,
  ).join(', ');
  const [row] = await em.execute<(Customer & { filled: FillableField[] })[]>(
    `update customer c set ${sets}
     from (select id, ${FILLABLE.join(', ')} from customer where id = ? for update) old
     where c.id = old.id
     returning ${COLUMNS.replace(/(^|, )/g, '$1c.') /* the updated row's */}, array_remove(array[${filled}], null) as filled`,
    [...FILLABLE.map((f) => input[f]?.trim() || null), input.id],
  );
  if (!row) throw AppError.notFound('el cliente');
  const { filled: fields, ...customer } = row;
  return { customer, filled: fields };
}
