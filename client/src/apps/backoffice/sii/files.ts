/** Most a CAF or a `.pfx` can weigh: the commands refuse larger payloads anyway. */
export const MAX_CAF_BYTES = 60_000;
export const MAX_PFX_BYTES = 140_000;

/**
 * The file's bytes as a latin1 string, one character per byte: CAFs are ISO-8859-1 and the
 * server turns the text back into the same bytes. (TextDecoder's "latin1" is windows-1252.)
 */
export async function readLatin1(file: File): Promise<string> {
  return chunkedChars(new Uint8Array(await file.arrayBuffer()));
}

export async function readBase64(file: File): Promise<string> {
  return btoa(chunkedChars(new Uint8Array(await file.arrayBuffer())));
}

function chunkedChars(bytes: Uint8Array): string {
  let text = '';
  // String.fromCharCode takes its bytes as arguments: a bounded chunk never overflows the stack.
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  }
  return text;
}
