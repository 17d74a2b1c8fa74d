import { onBeforeUnmount, type Ref, ref, watch } from 'vue';

/**
 * How long digits must rest before they are searched. A keyboard-wedge scanner types a code's
 * digits a few milliseconds apart and ends with Enter; a person typing part of a code pauses
 * far longer than this between keys and after the last one.
 */
export const DIGITS_SETTLE_MS = 150;

/**
 * The query the product grid searches: the field's text as typed, except while it holds only
 * digits (a scanner's burst, or a code typed by hand), which are searched once typing rests.
 * A scan thus never runs a name search over the whole catalog for each of its 13 digits.
 */
export function useSettledQuery(field: Ref<string>, settleMs = DIGITS_SETTLE_MS): Ref<string> {
  const settled = ref(field.value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(field, (text) => {
    clearTimeout(timer);
    if (/^\d+$/.test(text.trim())) timer = setTimeout(() => (settled.value = text), settleMs);
    else settled.value = text;
  });
  onBeforeUnmount(() => clearTimeout(timer));
  return settled;
}
