import { ACK, NAK } from './control-codes.ts';
import { NO_WEIGHT, type ScaleDecoder, type ScaleEvent } from './scale.ts';

/**
 * What a protocol finds at a frame start: the frame's events and byte length, `incomplete` to
 * wait for more bytes, or null when the bytes there are not a frame (the decoder skips one byte).
 */
export type FrameRead = { events: ScaleEvent[]; length: number } | 'incomplete' | null;

/**
 * Decoder of the polled dialogues (CAS ECR type 6, Dialog 06): the scale answers the poll with
 * `ACK`, and the hub then sends `afterAck` to ask for the weight; `NAK` means no valid weight;
 * a frame begins with `frameStart`. Any other byte is line noise and is skipped.
 */
export function ackNakDecoder(
  afterAck: Buffer,
  frameStart: number,
  readFrame: (buffer: Buffer) => FrameRead,
): ScaleDecoder {
  let buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const events: ScaleEvent[] = [];
      while (buffer.length > 0) {
        const head = buffer[0];
        if (head === ACK) events.push({ kind: 'send', bytes: afterAck });
        else if (head === NAK) events.push({ kind: 'weight', frame: NO_WEIGHT });
        else if (head === frameStart) {
          const frame = readFrame(buffer);
          if (frame === 'incomplete') break;
          if (frame) {
            events.push(...frame.events);
            buffer = buffer.subarray(frame.length);
            continue;
          }
        }
        buffer = buffer.subarray(1);
      }
      return events;
    },
  };
}
