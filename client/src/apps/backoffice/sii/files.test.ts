import { describe, expect, it } from 'vitest';
import { readBase64, readLatin1 } from './files.ts';
import { formatDateTime, formatDay } from './format.ts';

describe('SII section files', () => {
  it('reads a CAF byte for byte: ISO-8859-1 Ñ and bytes that windows-1252 would remap', async () => {
    const bytes = new Uint8Array([
      0x3c, 0x52, 0x53, 0x3e, 0x44, 0x49, 0x53, 0x45, 0xd1, 0x4f, 0x80, 0x9f, 0xff,
    ]);
    const text = await readLatin1(new File([bytes], 'caf.xml'));
    expect([...text].map((c) => c.charCodeAt(0))).toEqual([...bytes]);
    // What the server does with it (Buffer.from(xml, 'latin1')) gives the file back.
    expect(Buffer.from(text, 'latin1').equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads files larger than one chunk', async () => {
    const bytes = new Uint8Array(20_000).map((_, i) => (i * 7) % 256);
    const file = new File([bytes], 'firma.pfx');
    expect(Buffer.from(await readBase64(file), 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect((await readLatin1(file)).length).toBe(20_000);
  });
});

describe('SII section dates', () => {
  it('shows a calendar day as dd-mm-aaaa without moving it across time zones', () => {
    expect(formatDay('2026-03-01')).toBe('01-03-2026');
  });

  it('shows instants on a 24-hour clock', () => {
    const shown = formatDateTime('2026-03-01T15:04:05.000Z', true);
    expect(shown).toMatch(/^\d{2}-\d{2}-2026,? \d{2}:04:05$/);
    expect(shown).not.toMatch(/m\.$/);
  });
});
