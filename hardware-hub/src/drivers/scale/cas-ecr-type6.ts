import {
  NO_WEIGHT,
  normalizeWeight,
  type ScaleDecoder,
  type ScaleEvent,
  type ScaleProtocol,
} from './scale.ts';

const SOH = 0x01;
const STX = 0x02;
const ETX = 0x03;
const EOT = 0x04;
const ENQ = 0x05;
const ACK = 0x06;
const DC1 = 0x11;
const NAK = 0x15;
const FRAME_LENGTH = 15;

/**
 * CAS PD-II, ECR type 6 (hardware.md §8): host `ENQ` → scale `ACK`; host `DC1` → 15 bytes
 * `SOH STX STA SIGN W5..W0 U1 U0 BCC ETX EOT`; STA `S` stable / `U` unstable; SIGN ` `, `-`
 * or `F` (overload, weight all F). The BCC is not checked: documents of this family disagree on
 * how it is computed [re-check per model]; the fixed framing bytes are checked instead.
 * Line settings are a working default [re-check per model].
 */
export const casEcrType6: ScaleProtocol = {
  name: 'cas-ecr-type6',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  pollRequest: Buffer.from([ENQ]),
  createDecoder(): ScaleDecoder {
    let buffer = Buffer.alloc(0);
    return {
      push(chunk) {
        buffer = Buffer.concat([buffer, chunk]);
        const events: ScaleEvent[] = [];
        while (buffer.length > 0) {
          const head = buffer[0];
          if (head === ACK) {
            events.push({ kind: 'send', bytes: Buffer.from([DC1]) });
          } else if (head === NAK) {
            events.push({ kind: 'weight', frame: NO_WEIGHT });
          } else if (head === SOH) {
            if (buffer.length < FRAME_LENGTH) break;
            const frame = buffer.subarray(0, FRAME_LENGTH);
            const decoded = decodeFrame(frame);
            if (decoded) {
              events.push(decoded);
              buffer = buffer.subarray(FRAME_LENGTH);
              continue;
            }
          }
          buffer = buffer.subarray(1);
        }
        return events;
      },
    };
  },
};

function decodeFrame(frame: Buffer): ScaleEvent | null {
  if (frame[1] !== STX || frame[13] !== ETX || frame[14] !== EOT) return null;
  const text = frame.toString('latin1');
  const status = text[2];
  const sign = text[3];
  const unit = text.slice(10, 12).trim().toLowerCase();
  if ((status !== 'S' && status !== 'U') || (unit !== 'kg' && unit !== 'lb')) return null;
  const overload = sign === 'F';
  const weight = overload ? null : normalizeWeight(`${sign === '-' ? '-' : ''}${text.slice(4, 10).trim()}`);
  if (!overload && weight === null) return null;
  return {
    kind: 'weight',
    frame: { weight, unit, stable: status === 'S', net: false, overload, underZero: sign === '-' },
  };
}
