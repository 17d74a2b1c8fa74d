import { randomUUID } from 'node:crypto';
import type { CustomerInput, CustomerView } from '@erp/shared';
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
