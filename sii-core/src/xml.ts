/**
 * String-level XML helpers for documents this module writes itself. Everything written here is
 * already in canonical (C14N 1.0) form, which is what lets the signer digest the text directly
 * instead of parsing and canonicalising it again.
 */

/**
 * Escapes a text node exactly as C14N does: only `&`, `<`, `>` (and CR, which our texts never
 * contain). `'` and `"` stay literal; writing `&apos;`/`&quot;` would change the digest.
 */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (ch) =>
    ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&#xD;',
  );
}

/** Cuts a text to the maximum length the schema allows (counted in characters, before escaping). */
export function cut(value: string, maxLength: number): string {
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

/** `<name>escaped value</name>`; nothing when the value is absent or empty. */
export function element(
  name: string,
  value: string | number | bigint | undefined,
  maxLength?: number,
): string {
  if (value === undefined) return '';
  let text = String(value);
  if (maxLength !== undefined) text = cut(text, maxLength);
  return text === '' ? '' : `<${name}>${escapeText(text)}</${name}>`;
}
