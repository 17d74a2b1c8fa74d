import { describe, expect, it } from 'vitest';
import { defaultParkedLabel, parkedAge } from './parked-view.ts';

describe('parked ticket names and ages', () => {
  // 17:32 UTC is 14:32 in Santiago in December (summer time, UTC−3).
  const now = new Date('2026-12-06T17:32:10Z');

  it('numbers the default name after the highest "Espera N" waiting, with the time in Chile', () => {
    expect(defaultParkedLabel([], now)).toBe('Espera 1 · 14:32');
    const waiting = [{ label: 'Espera 2 · 10:00' }, { label: 'Señora del pan' }, { label: 'Espera 7' }];
    expect(defaultParkedLabel(waiting, now)).toBe('Espera 8 · 14:32');
    expect(defaultParkedLabel([{ label: 'Esperanza' }], now)).toBe('Espera 1 · 14:32');
  });

  it('says how long a ticket has waited', () => {
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000 - 5_000).toISOString();
    expect(parkedAge(at(0), now.getTime())).toBe('recién');
    expect(parkedAge(at(12), now.getTime())).toBe('hace 12 min');
    expect(parkedAge(at(75), now.getTime())).toBe('hace 1 h 15 min');
    // A till whose clock runs behind the server's does not show a negative age.
    expect(parkedAge(new Date(now.getTime() + 90_000).toISOString(), now.getTime())).toBe('recién');
  });
});
