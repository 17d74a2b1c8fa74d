import { Migration } from '@mikro-orm/migrations';

/**
 * A customer's phone: a boleta above 135 UF names the buyer with RUT, name, e-mail and phone
 * (TelefonoRecep), so the till keeps it with the customer like the e-mail.
 */
export class Migration20261206070000_customer_phone extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table customer add column phone text check (char_length(phone) between 1 and 20);`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table customer drop column phone;');
  }
}
