/**
 * Database rows come back snake_case, with timestamps as `Date` and bigint/numeric columns as
 * strings (the driver keeps their precision; pesos and counts here always fit a JS number); views
 * on the wire are camelCase with ISO dates and numbers. `camelView` converts a whole row, so
 * mappers only spell out what differs; the single-value helpers serve queries that alias their
 * columns in camelCase already.
 */

/** ISO-8601 text of a timestamp column (pg returns Date; raw text also accepted). */
export function isoTime(value: Date | string): string {
  return new Date(value).toISOString();
}

/** ISO text or null. */
export function isoTimeOrNull(value: Date | string | null): string | null {
  return value === null ? null : isoTime(value);
}

/** A numeric/bigint column (pg returns text) as a JS number. */
export function num(value: string | number): number {
  return Number(value);
}

export function numOrNull(value: string | number | null): number | null {
  return value === null ? null : num(value);
}

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
type Converted<V, To> = null extends V ? To | null : To;

/** A row's columns renamed to camelCase, the listed ones converted. */
export type CamelView<R, N extends keyof R, D extends keyof R> = {
  [K in keyof R & string as Camel<K>]: K extends N
    ? Converted<R[K], number>
    : K extends D
      ? Converted<R[K], string>
      : R[K];
};

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Every column of a row under its camelCase name: `numbers` become numbers, `dates` ISO strings
 * (null stays null). Select only the columns the view shows: all of them are copied.
 */
export function camelView<
  R extends object,
  N extends keyof R & string = never,
  D extends keyof R & string = never,
>(row: R, convert: { numbers?: readonly N[]; dates?: readonly D[] } = {}): CamelView<R, N, D> {
  const numbers = new Set<string>(convert.numbers);
  const dates = new Set<string>(convert.dates);
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    view[camel(key)] =
      value === null
        ? null
        : numbers.has(key)
          ? Number(value)
          : dates.has(key)
            ? isoTime(value as Date | string)
            : value;
  }
  return view as CamelView<R, N, D>;
}
