/**
 * A random (version 4) UUID from `crypto.getRandomValues`, which every browser has even on a
 * plain-http LAN address; `crypto.randomUUID` exists only in a secure context (HTTPS or
 * localhost), and the POS opened from the store's hub (`http://<LAN address>`) is not one.
 */
export function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
