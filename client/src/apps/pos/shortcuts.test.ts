import { describe, expect, it } from 'vitest';
import { t } from '../../i18n/es-CL.ts';
import { keyLabel, POS_SHORTCUTS, shortcutOf } from './shortcuts.ts';

const press = (
  key: string,
  mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'altKey' | 'metaKey', boolean>> = {},
) => shortcutOf({ key, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods });

describe('POS shortcuts', () => {
  it('maps each key once, leaves modified keys and the browser’s own keys alone', () => {
    expect(press('F9')).toBe('pay');
    expect(press('F4')).toBe('lineDiscount');
    expect(press('F4', { shiftKey: true })).toBe('ticketDiscount');
    expect(press('F9', { ctrlKey: true })).toBeNull();
    for (const key of ['F1', 'F5', 'F6', 'F7', 'F11', 'F12', 'a', '7']) expect(press(key)).toBeNull();
    const keys = POS_SHORTCUTS.map((s) => `${s.shift ? 'shift+' : ''}${s.key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists every shortcut with its key and a Spanish label', () => {
    expect(POS_SHORTCUTS.map((s) => `${keyLabel(s)} ${t.pos.shortcuts[s.action]}`)).toEqual([
      'F2 Buscar',
      'F3 Cantidad',
      'F4 Desc. línea',
      '⇧F4 Desc. total',
      '↑ Anterior',
      '↓ Siguiente',
      'F8 En espera',
      'F9 Cobrar (2ª vez: exacto)',
      'Esc Cerrar',
    ]);
  });
});
