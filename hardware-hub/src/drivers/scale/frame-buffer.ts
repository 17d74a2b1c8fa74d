/**
 * Collects bytes until a frame delimiter and hands out whole frames. A frame tail read right
 * after connecting comes out as a frame the protocol's parser rejects; bytes that grow past
 * any valid frame length without a delimiter are garbage and are dropped.
 */
export class FrameBuffer {
  #bytes = Buffer.alloc(0);
  readonly #end: number;
  readonly #maxLength: number;

  constructor(end: number, maxLength = 64) {
    this.#end = end;
    this.#maxLength = maxLength;
  }

  /** Whole frames received so far, delimiter included. */
  push(chunk: Buffer): Buffer[] {
    this.#bytes = Buffer.concat([this.#bytes, chunk]);
    const frames: Buffer[] = [];
    for (let end = this.#bytes.indexOf(this.#end); end >= 0; end = this.#bytes.indexOf(this.#end)) {
      frames.push(this.#bytes.subarray(0, end + 1));
      this.#bytes = this.#bytes.subarray(end + 1);
    }
    if (this.#bytes.length > this.#maxLength) this.#bytes = Buffer.alloc(0);
    return frames;
  }
}
