import { FrameBuffer } from './frame-buffer.ts';
import { normalizeWeight, type ScaleEvent, type ScaleProtocol } from './scale.ts';

const LF = 0x0a;

/**
 * `ST,GS` frames streamed by CAS indicators (and A&D, Aclas, Radwag): `H1,H2,[ID LAMP,]weight unit CR LF`
 * with H1 `ST` stable / `US` unstable / `OL` overload and H2 `GS` gross / `NT` net
 * (docs/hardware-protocols.md#scale-protocols, the 18- and 22-byte formats). The scale sends on its own;
 * nothing to poll.
 */
const FRAME = /^(ST|US|OL),(GS|NT),(?:[\s\S]{2},)?\s*([+-]?)\s*([0-9.]*)\s*(kg|g|lb)\s*\r?\n$/;

export const casStream: ScaleProtocol = {
  name: 'cas-stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  createDecoder() {
    const frames = new FrameBuffer(LF);
    return { push: (chunk) => frames.push(chunk).flatMap(decodeFrame) };
  },
};

function decodeFrame(frame: Buffer): ScaleEvent[] {
  const match = FRAME.exec(frame.toString('latin1'));
  if (!match) return [];
  const [, state, kind, sign, digits, unit] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    'kg' | 'g' | 'lb',
  ];
  const overload = state === 'OL';
  const weight = overload ? null : normalizeWeight(`${sign}${digits}`);
  if (!overload && weight === null) return [];
  return [
    {
      kind: 'weight',
      frame: { weight, unit, stable: state === 'ST', net: kind === 'NT', overload, underZero: sign === '-' },
    },
  ];
}
