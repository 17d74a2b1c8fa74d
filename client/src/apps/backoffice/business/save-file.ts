/**
 * Saves text the server generated as a file (a CSV report) through a blob link, so the browser
 * downloads it under `fileName` instead of showing it.
 */
export function saveTextFile(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is not needed afterwards.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
