import { ackNakDecoder } from './ack-nak-decoder.ts';
import { DC1, ENQ, EOT, ETX, SOH, STX } from './control-codes.ts';
import { normalizeWeight, type ScaleEvent, type ScaleProtocol } from './scale.ts';

const FRAME_LENGTH = 15;

/**
 * CAS PD-II, ECR type 6 (docs/hardware-protocols.md#scale-protocols): host `ENQ` → scale `ACK`; host `DC1` →
 * 15 bytes
 * `SOH STX STA SIGN W5..W0 U1 U0 BCC ETX EOT`; STA `S` stable / `U` unstable; SIGN ` `, `-`
 * or `F` (overload, weight all F). The BCC is not checked: documents of this family disagree on
 * how it is computed [re-check per model]; the fixed framing bytes are checked instead.
 * Line settings are a working default [re-check per model].
 */
export const casEcrType6: ScaleProtocol = {
  name: 'cas-ecr-type6',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  pollRequest: Buffer.from([ENQ]),
  createDecoder: () =>
    ackNakDecoder(Buffer.from([DC1]), SOH, (buffer) => {
      if (buffer.length < FRAME_LENGTH) return 'incomplete';
      const decoded = decodeFrame(buffer.subarray(0, FRAME_LENGTH));
      return decoded && { events: [decoded], length: FRAME_LENGTH };
    }),
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
