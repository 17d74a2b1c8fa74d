/**
 * A list as one PostgreSQL array literal (elements double-quoted and escaped): the driver would
 * expand a JS array parameter into a list of parameters.
 */
export const pgArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
