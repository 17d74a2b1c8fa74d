import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';

const gzipAsync = promisify(gzip);

/**
 * A command's answer turned into JSON once, to be sent many times as is: a handler may return it
 * instead of the value (see `onCommand`). For large answers shared by many sockets (a catalog
 * snapshot is ~16 MB of JSON for 50,000 products): serializing it again for every request
 * would hold the event loop, and with it every tenant's sales, for tens of milliseconds each.
 * The type parameter keeps the command's result type checked where the value is serialized.
 */
export class Serialized<T> {
  declare readonly value: T;
  /** `{"ok":true,"data":…}`: the whole `Result` the client reads. */
  readonly reply: string;
  #gzipped: Promise<Buffer> | undefined;

  private constructor(reply: string) {
    this.reply = reply;
  }

  static of<T>(value: T): Serialized<T> {
    return new Serialized<T>(`{"ok":true,"data":${JSON.stringify(value)}}`);
  }

  /**
   * The reply gzipped, compressed once (on libuv's thread pool, not the event loop) for every
   * HTTP request that serves it; about a tenth of the JSON for a catalog.
   */
  gzipped(): Promise<Buffer> {
    this.#gzipped ??= gzipAsync(this.reply);
    return this.#gzipped;
  }

  /** Size in memory (two bytes per UTF-16 code unit), for caches that count. */
  get bytes(): number {
    return this.reply.length * 2;
  }
}

/**
 * Socket.IO's packet encoder, except that an acknowledgement carrying a `Serialized` answer gets
 * its text spliced in after the packet's header. The wire format is Socket.IO's own (a header,
 * then the JSON array of arguments), so clients decode it with the standard parser.
 */
class SplicingEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const answer = packet.type === PacketType.ACK && packet.data?.length === 1 ? packet.data[0] : undefined;
    if (answer instanceof Serialized) {
      const [header] = super.encode({ type: packet.type, nsp: packet.nsp, id: packet.id });
      return [`${header}[${answer.reply}]`];
    }
    return super.encode(packet);
  }
}

/** The `parser` option of the Socket.IO server: the standard decoder, the splicing encoder. */
export const splicingParser = { Encoder: SplicingEncoder, Decoder };
