/** `npm run seed`: creates the demo tenants if they do not exist. */
import { loadConfig } from '../platform/config.ts';
import { initOrm } from '../platform/orm.ts';
import { seedDemo } from './demo-seed.ts';

const orm = await initOrm(loadConfig().DATABASE_URL, 2);
try {
  const created = await seedDemo(orm);
  console.log(created.length ? `seeded: ${created.join(', ')}` : 'demo data already present');
} finally {
  await orm.close(true);
}
