/**
 * Database rows come back snake_case, with timestamps as `Date` and bigint/numeric columns as
 * strings (the driver keeps their precision); views on the wire are camelCase with ISO dates and
 * numbers. `camelView` does that conversion so mappers only spell out what differs.
 */

/** A timestamp as the wire carries it. */
const iso = (value: Date | string): string => new Date(value).toISOString();

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
            ? iso(value as Date | string)
            : value;
  }
  return view as CamelView<R, N, D>;
}
