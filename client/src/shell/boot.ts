import '../styles/base.css';
import { createPinia } from 'pinia';
import { type Component, createApp } from 'vue';

/** Mounts a page's root component with its own Pinia (one per page, as each page is its own app). */
export function bootPage(root: Component): void {
  createApp(root).use(createPinia()).mount('#app');
}
