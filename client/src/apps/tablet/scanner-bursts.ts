/**
 * A keyboard-wedge scanner sends its keys every few milliseconds; nobody keeps typing faster
 * than one key per 50 ms for a whole code.
 */
export const BURST_GAP_MS = 50;
/** Shorter bursts are not taken for a scan (the shortest barcodes, EAN-8, have 8 digits). */
export const MIN_SCAN_LENGTH = 6;

/**
 * Catches scans that land in another field (the folio, a quantity, a cost): a burst of fast
 * keys ending in Enter is taken out of that field, which gets back the value it had before the
 * burst, and handed to `onScan` instead. Keys a person types are left alone.
 *
 * @param isScanField the scan field itself, whose keys are its own business
 * @example
 * const detector = scannerBursts((el) => el === scanInput, (code) => addByCode(code));
 * document.addEventListener('keydown', detector, true);
 */
export function scannerBursts(
  isScanField: (target: HTMLInputElement) => boolean,
  onScan: (code: string) => void,
  /** When the key was pressed: the event's own time, so a busy page does not stretch a burst. */
  timeOf: (event: KeyboardEvent) => number = (event) => event.timeStamp,
): (event: KeyboardEvent) => void {
  let target: HTMLInputElement | null = null;
  let before = '';
  let keys = '';
  let last = Number.NEGATIVE_INFINITY;

  function reset(): void {
    target = null;
    keys = '';
  }

  return (event) => {
    const el = event.target;
    if (
      !(el instanceof HTMLInputElement) ||
      isScanField(el) ||
      event.ctrlKey ||
      event.metaKey ||
      event.altKey
    ) {
      reset();
      return;
    }
    const at = timeOf(event);
    const inBurst = el === target && at - last <= BURST_GAP_MS;
    last = at;
    if (event.key === 'Enter') {
      if (inBurst && keys.length >= MIN_SCAN_LENGTH) {
        event.preventDefault();
        event.stopPropagation();
        el.value = before;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        onScan(keys);
      }
      reset();
      return;
    }
    if (event.key.length !== 1) {
      reset();
      return;
    }
    if (!inBurst) {
      target = el;
      before = el.value;
      keys = '';
    }
    keys += event.key;
  };
}
