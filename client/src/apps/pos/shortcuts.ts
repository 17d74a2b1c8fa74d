/** What a fast cashier does from the keyboard on the sell screen. */
export type PosAction =
  | 'search'
  | 'quantity'
  | 'lineDiscount'
  | 'ticketDiscount'
  | 'previousLine'
  | 'nextLine'
  | 'park'
  | 'pay'
  | 'close';

/**
 * The sell screen's keys, in the order the screen lists them. Function keys a browser keeps for
 * itself are left out (F1 help, F5 reload, F6 address bar, F7 caret browsing, F11 full screen,
 * F12 developer tools). In the payment panel F9 again charges exact cash.
 */
export const POS_SHORTCUTS: readonly { key: string; shift?: boolean; action: PosAction }[] = [
  { key: 'F2', action: 'search' },
  { key: 'F3', action: 'quantity' },
  { key: 'F4', action: 'lineDiscount' },
  { key: 'F4', shift: true, action: 'ticketDiscount' },
  { key: 'ArrowUp', action: 'previousLine' },
  { key: 'ArrowDown', action: 'nextLine' },
  { key: 'F8', action: 'park' },
  { key: 'F9', action: 'pay' },
  { key: 'Escape', action: 'close' },
];

/** The action of a key press, if it is one of the sell screen's shortcuts. */
export function shortcutOf(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'altKey' | 'metaKey'>,
) {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  return POS_SHORTCUTS.find((s) => s.key === event.key && !!s.shift === event.shiftKey)?.action ?? null;
}

/** How a shortcut's key is written on screen. */
export function keyLabel(shortcut: { key: string; shift?: boolean }): string {
  const key =
    ({ ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc' } as Record<string, string>)[shortcut.key] ?? shortcut.key;
  return shortcut.shift ? `⇧${key}` : key;
}
