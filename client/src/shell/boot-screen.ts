// The base styles first, as when a page imports boot.ts before its components.
import '../styles/base.css';
import { type Component, h } from 'vue';
import type { AppScreen } from '../access/screens.ts';
import AppShell from './AppShell.vue';
import { bootPage } from './boot.ts';

/** Mounts a full-height working screen (POS, tablet, wall) inside the dense app shell. */
export function bootScreen(screen: AppScreen, content: Component): void {
  bootPage({ render: () => h(AppShell, { screen, dense: true }, { default: () => h(content) }) });
}
