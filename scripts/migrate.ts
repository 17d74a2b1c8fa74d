/** `npm run migrate`: applies pending migrations to the database of DATABASE_OWNER_URL. */
import { loadConfig } from '../server/src/platform/config.ts';
import { migrateUp } from '../server/src/platform/migrate.ts';

const config = loadConfig();
const applied = await migrateUp(config.DATABASE_OWNER_URL);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
