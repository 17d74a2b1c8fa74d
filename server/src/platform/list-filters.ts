/**
 * Back-office lists filter by Chile's calendar days (what a store calls "el lunes"), whatever the
 * server's zone: a day starts at 00:00 in America/Santiago, summer time included.
 */
const ZONE = 'America/Santiago';

/**
 * Collects the optional filters of a list query into one `where` clause and its parameters.
 * Day ranges (`from`/`to` as `AAAA-MM-DD`, both included) are written on the timestamp column
 * itself, so an index on it serves them.
 */
export class Filters {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  constructor(always: string) {
    this.conditions.push(always);
  }

  /** Adds a condition with the parameters of its `?` placeholders. */
  add(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  /** Adds `condition` with its one parameter when `value` is given. */
  when(value: unknown, condition: string): this {
    return value === undefined || value === null ? this : this.add(condition, value);
  }

  days(column: string, range: { from?: string | undefined; to?: string | undefined }): this {
    if (range.from) this.add(`${column} >= (?::date)::timestamp at time zone '${ZONE}'`, range.from);
    if (range.to) this.add(`${column} < (?::date + 1)::timestamp at time zone '${ZONE}'`, range.to);
    return this;
  }

  get where(): string {
    return `where ${this.conditions.join(' and ')}`;
  }
}
