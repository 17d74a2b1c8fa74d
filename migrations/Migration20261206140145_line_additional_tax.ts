import { Migration } from '@mikro-orm/migrations';

/**
 * A sold line keeps its product's SII additional tax (ILA, sugary drinks: 24, 25, 26, 27, 271) as
 * it was when sold, so that a nota de crédito of a factura carries the same CodImpAdic and taxes
 * whatever the product became since.
 */
export class Migration20261206140145_line_additional_tax extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table sale_line add column additional_tax integer check (additional_tax in (24, 25, 26, 27, 271));',
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table sale_line drop column additional_tax;');
  }
}
