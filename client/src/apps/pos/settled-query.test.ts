import { describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { DIGITS_SETTLE_MS, useSettledQuery } from './settled-query.ts';

describe('settled query', () => {
  it("searches words as typed, but a scanner's digits only once they rest", async () => {
    vi.useFakeTimers();
    const field = ref('');
    const scope = effectScope();
    const settled = scope.run(() => useSettledQuery(field))!;
    const seen: string[] = [];
    const record = () => seen.push(settled.value);

    for (const text of ['l', 'le', 'lec']) {
      field.value = text;
      await nextTick();
      record();
    }
    expect(seen).toEqual(['l', 'le', 'lec']);

    // Thirteen digits 5 ms apart, as a keyboard-wedge scanner types them: none is searched.
    seen.length = 0;
    field.value = '';
    await nextTick();
    for (const digit of '7802900001018') {
      field.value += digit;
      await nextTick();
      vi.advanceTimersByTime(5);
      record();
    }
    expect(new Set(seen)).toEqual(new Set(['']));
    // Typing rests (a code typed by hand): then it is searched.
    vi.advanceTimersByTime(DIGITS_SETTLE_MS);
    expect(settled.value).toBe('7802900001018');
    // The field emptied by the scan's Enter clears the search at once.
    field.value = '';
    await nextTick();
    expect(settled.value).toBe('');
    scope.stop();
    vi.useRealTimers();
  });
});
