import { type LoadMessage, type LoadRequest, runLoad } from './catalog-load.ts';

/** Gives the page a turn (a paint, a key typed) between two slices of a long load. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs a catalog load in a Web Worker and hands each of its messages to `onMessage`, in order,
 * each in a task of its own (a slice is indexed between two paints). Resolves after the last
 * message (`stored` for a snapshot, `done` for the local copy, or `failed`). Where there is no
 * Worker (unit tests), the same load runs in the page, yielding between slices.
 */
export function loadCatalog(request: LoadRequest, onMessage: (message: LoadMessage) => void): Promise<void> {
  const last = (m: LoadMessage) =>
    m.kind === 'failed' || m.kind === 'stored' || (m.kind === 'done' && request.kind === 'local');
  if (typeof Worker === 'undefined') {
    return runLoad(request, async (message) => {
      onMessage(message);
      if (message.kind === 'slice') await yieldToPage();
    });
  }
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./catalog.worker.ts', import.meta.url), { type: 'module' });
    const finish = () => {
      worker.terminate();
      resolve();
    };
    worker.onmessage = (event: MessageEvent<LoadMessage>) => {
      onMessage(event.data);
      if (last(event.data)) finish();
    };
    worker.onerror = (event) => {
      console.error('catalog worker failed', event.message);
      onMessage({ kind: 'failed', error: { code: 'INTERNAL', message: event.message || 'Error interno' } });
      finish();
    };
    worker.postMessage(request);
  });
}
