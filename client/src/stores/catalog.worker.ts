/// <reference lib="webworker" />
/**
 * The catalog loader's thread: one load per worker (`catalog-loader.ts` starts it with a
 * `LoadRequest` and ends it after the last message). Parsing, checking and storing 50,000
 * products here leaves the page free to paint and take the scanner's keys.
 */
import { type LoadMessage, type LoadRequest, runLoad } from './catalog-load.ts';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<LoadRequest>) => {
  void runLoad(event.data, (message: LoadMessage) => self.postMessage(message));
};
