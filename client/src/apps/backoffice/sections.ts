import { type Component, defineAsyncComponent } from 'vue';

/**
 * The back office's sections, in menu order. Each lives in its own folder and is loaded when
 * first opened; the address keeps the open section (`#catalogo`), so a reload or a shared link
 * opens the same one.
 */
export interface BackofficeSection {
  /** The address fragment, Spanish like everything the user sees. */
  id: string;
  label: string;
  component: Component;
}

export const SECTIONS: BackofficeSection[] = [];
