/** Most characters `catalog:import-preview` and `catalog:import-apply` take. */
export const MAX_CSV_CHARS = 900_000;

/**
 * A CSV file's text. Excel in es-CL saves "CSV (delimitado por comas)" in Windows-1252 and
 * "CSV UTF-8" in UTF-8; bytes that are not valid UTF-8 are read as Windows-1252, so "Lácteos"
 * arrives as typed either way.
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** A starting file with every column and one example row (`;`, as Excel in es-CL writes). */
export const CSV_TEMPLATE = [
  'codigo;nombre;marca;categoria;unidad;precio;codigos_barra;exento;pesable;plu;impuesto_adicional;activo',
  'LEC-001;Leche entera 1 L;Colún;Lácteos;unidad;1.190;7802900001018;no;no;;;si',
  '',
].join('\r\n');
