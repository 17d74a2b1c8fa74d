/** `npm run seed`: creates the demo tenants if they do not exist. */
import { loadConfig } from '../platform/config.ts';
import { initOrm } from '../platform/orm.ts';
import { SecretBox } from '../platform/secrets.ts';
import { seedDemo } from './demo-seed.ts';

const config = loadConfig();
const box = new SecretBox(config.SECRETS_KEY);
const orm = await initOrm(config.DATABASE_URL, 2);
try {
  const created = await seedDemo(orm, box);
  console.log(created.length ? `seeded: ${created.join(', ')}` : 'demo data already present');
} finally {
  await orm.close(true);
}
