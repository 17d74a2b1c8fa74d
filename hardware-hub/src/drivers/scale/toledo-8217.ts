import { CR, STX } from './control-codes.ts';
import { FrameBuffer } from './frame-buffer.ts';
import { normalizeWeight, type ScaleDecoder, type ScaleEvent, type ScaleProtocol } from './scale.ts';

/**
 * Mettler-Toledo 8217 (docs/hardware-protocols.md#scale-protocols): host `W` → `STX weight [N] CR`, or `STX
 * ? s CR` in an abnormal state, where s has bits 0x01 moving, 0x02 over capacity, 0x04 under zero, 0x20 net.
 * `Z` zeroes, `T` tares. 9600 baud 7E1.
 */
export const toledo8217: ScaleProtocol = {
  name: 'toledo-8217',
  serial: { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 },
  pollRequest: Buffer.from('W', 'ascii'),
  zeroCommand: Buffer.from('Z', 'ascii'),
  tareCommand: Buffer.from('T', 'ascii'),
  createDecoder(): ScaleDecoder {
    const frames = new FrameBuffer(CR);
    return {
      push: (chunk) => frames.push(chunk).flatMap(decodeFrame),
    };
  },
};

function decodeFrame(frame: Buffer): ScaleEvent[] {
  const start = frame.indexOf(STX);
  if (start < 0) return [];
  const body = frame.subarray(start + 1, frame.length - 1).toString('latin1');
  if (body.startsWith('?') && body.length === 2) {
    const status = body.charCodeAt(1);
    return [
      {
        kind: 'weight',
        frame: {
          weight: null,
          unit: 'kg',
          stable: (status & 0x01) === 0,
          overload: (status & 0x02) !== 0,
          underZero: (status & 0x04) !== 0,
          net: (status & 0x20) !== 0,
        },
      },
    ];
  }
  const match = /^\s*([0-9.]+)(N?)$/.exec(body);
  const weight = match ? normalizeWeight(match[1]!) : null;
  if (!match || weight === null) return [];
  return [
    {
      kind: 'weight',
      frame: { weight, unit: 'kg', stable: true, net: match[2] === 'N', overload: false, underZero: false },
    },
  ];
}
