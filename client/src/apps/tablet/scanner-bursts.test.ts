// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { scannerBursts } from './scanner-bursts.ts';

/** Types into an input as a browser would: keydown (which may be prevented), then the character. */
function typer(input: HTMLInputElement, listener: (event: KeyboardEvent) => void, clock: { t: number }) {
  return (text: string, gapMs: number) => {
    for (const key of [...text, 'Enter']) {
      clock.t += gapMs;
      const event = new KeyboardEvent('keydown', { key, cancelable: true });
      Object.defineProperty(event, 'target', { value: input });
      listener(event);
      if (!event.defaultPrevented && key !== 'Enter') input.value += key;
    }
  };
}

describe('scanner bursts', () => {
  it('takes a fast burst ending in Enter out of another field and hands it on as a scan', () => {
    const folio = document.createElement('input');
    const seen: string[] = [];
    let inputs = 0;
    folio.addEventListener('input', () => inputs++);
    const clock = { t: 0 };
    const type = typer(
      folio,
      scannerBursts(
        () => false,
        (code) => seen.push(code),
        () => clock.t,
      ),
      clock,
    );
    type('4521', 180); // a person types the folio
    expect(folio.value).toBe('4521');
    type('7802900002022', 5); // the scanner fires while the focus is still there
    expect(seen).toEqual(['7802900002022']);
    expect(folio.value).toBe('4521');
    expect(inputs).toBe(1);
  });

  it('leaves people’s typing, short bursts and the scan field itself alone', () => {
    const quantity = document.createElement('input');
    const scanField = document.createElement('input');
    const seen: string[] = [];
    const clock = { t: 0 };
    const listener = scannerBursts(
      (el) => el === scanField,
      (code) => seen.push(code),
      () => clock.t,
    );
    typer(quantity, listener, clock)('120', 5);
    typer(quantity, listener, clock)('1234567', 120);
    typer(scanField, listener, clock)('7802900002022', 5);
    expect(seen).toEqual([]);
    expect(quantity.value).toBe('1201234567');
    expect(scanField.value).toBe('7802900002022');
  });
});
