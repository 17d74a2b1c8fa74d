import type { MikroORM } from '@mikro-orm/postgresql';
import { seedDemoCatalogs } from '../catalog/index.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { seedDemoSii } from '../sii/index.ts';
import { hashPassword } from './password.ts';
import { seedTenant, type TenantSpec } from './tenant-seed.ts';

export const DEMO_PASSWORD = 'demo1234';
/** The demo supervisor's approval PIN (returns at the till). */
const DEMO_APPROVAL_PIN = '246810';

export const DEMO_TENANTS: TenantSpec[] = [
  {
    slug: 'minimarket-demo',
    rut: '76192083-9',
    razonSocial: 'Minimarket Demo SpA',
    giro: 'Venta al por menor de alimentos y bebidas en comercios no especializados',
    address: 'Av. Providencia 1234',
    comuna: 'Providencia',
    acteco: 471100,
    stores: [
      { name: 'Sucursal Providencia', address: 'Av. Providencia 1234', comuna: 'Providencia' },
      { name: 'Sucursal Ñuñoa', address: 'Irarrázaval 3456', comuna: 'Ñuñoa' },
    ],
    centralWarehouse: true,
    users: [
      { email: 'admin@demo.cl', name: 'Andrea Administradora', role: 'admin' },
      {
        email: 'supervisor@demo.cl',
        name: 'Sergio Supervisor',
        role: 'supervisor',
        approvalPin: DEMO_APPROVAL_PIN,
      },
      { email: 'cajero@demo.cl', name: 'Camila Cajera', role: 'cashier', store: 0 },
      { email: 'bodega@demo.cl', name: 'Bruno Bodeguero', role: 'warehouse', store: 0 },
    ],
  },
  {
    slug: 'almacen-sur',
    rut: '77123456-9',
    razonSocial: 'Almacén del Sur Limitada',
    giro: 'Almacén de barrio',
    address: 'Calle Caupolicán 789',
    comuna: 'Temuco',
    acteco: 471100,
    stores: [{ name: 'Almacén Centro', address: 'Calle Caupolicán 789', comuna: 'Temuco' }],
    users: [{ email: 'admin@sur.cl', name: 'Ana del Sur', role: 'admin' }],
  },
];

/**
 * Seeds the demo tenants; tenants that already exist are left as they are. `box` seals their
 * test certificate and CAF keys with the key the server and worker will run with.
 */
export async function seedDemo(orm: MikroORM, box: SecretBox): Promise<string[]> {
  const hash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  for (const spec of DEMO_TENANTS) {
    if (await seedTenant(orm, spec, hash)) created.push(spec.slug);
  }
  const catalogs = await seedDemoCatalogs(orm);
  const sii = await seedDemoSii(
    orm,
    box,
    DEMO_TENANTS.map((t) => t.slug),
  );
  return [...created, ...catalogs.map((slug) => `${slug} (catálogo)`), ...sii];
}
