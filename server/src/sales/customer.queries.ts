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

/** Creates a customer, or updates the one with the same RUT (the POS form is the latest truth). */
export async function saveCustomer(em: SqlExecutor, input: z.infer<typeof CustomerInput>): Promise<Customer> {
  const [row] = await em.execute<Customer[]>(
    `insert into customer (id, tenant_id, rut, razon_social, giro, address, comuna, email, phone)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?)
     on conflict (tenant_id, rut) do update set razon_social = excluded.razon_social,
       giro = coalesce(excluded.giro, customer.giro), address = coalesce(excluded.address, customer.address),
       comuna = coalesce(excluded.comuna, customer.comuna), email = coalesce(excluded.email, customer.email),
       phone = coalesce(excluded.phone, customer.phone)
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
  return row!;
}
