/** Pages are separate Vite entries: moving between them is a real navigation. */
export function goTo(path: string): void {
  window.location.assign(path);
}
