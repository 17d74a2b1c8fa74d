import { ackNakDecoder } from './ack-nak-decoder.ts';
import { ENQ, EOT, ESC, ETX, STX } from './control-codes.ts';
import { gramsToKg, NO_WEIGHT, normalizeWeight, type ScaleEvent, type ScaleProtocol } from './scale.ts';

const MAX_FRAME = 64;

/**
 * Dialog 06 (docs/hardware-protocols.md#scale-protocols; Dibal, Cely, Ohaus): the host first sends a unit
 * price (record 01,
 * `EOT STX 0 1 ESC PPPPPP ESC ETX`) and the scale answers `ACK`; then `EOT ENQ` asks for the
 * weight: `STX 0 2 ESC 3 ESC WWWWW ESC PPPPPP ESC IIIIII ETX`, or `NAK` when there is no valid
 * weight (no load, in motion, under zero, over capacity). The hub only reads weight, so it sends
 * price 0. Weight: five digits in grams, or with a point; blanks while unstable; `-` when
 * negative (Dibal). Line settings are a working default: Dibal needs 8 data bits [re-check].
 */
const PRICE_RECORD = Buffer.from([EOT, STX, 0x30, 0x31, ESC, ...Buffer.from('000000'), ESC, ETX]);
const WEIGHT_REQUEST = Buffer.from([EOT, ENQ]);

export const dialog06: ScaleProtocol = {
  name: 'dialog06',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  pollRequest: PRICE_RECORD,
  createDecoder: () =>
    ackNakDecoder(WEIGHT_REQUEST, STX, (buffer) => {
      const end = buffer.indexOf(ETX);
      if (end < 0) return buffer.length < MAX_FRAME ? 'incomplete' : null;
      return { events: decodeRecord(buffer.subarray(1, end)), length: end + 1 };
    }),
};

function decodeRecord(record: Buffer): ScaleEvent[] {
  const fields = record.toString('latin1').split('\x1b');
  if (fields[0] !== '02' || fields.length < 3) return [];
  const raw = fields[2]!;
  if (raw.trim() === '') return [{ kind: 'weight', frame: NO_WEIGHT }];
  const negative = raw.includes('-');
  const digits = raw.replace(/[-\s]/g, '');
  const magnitude = digits.includes('.')
    ? normalizeWeight(digits)
    : /^\d+$/.test(digits)
      ? gramsToKg(digits)
      : null;
  if (magnitude === null) return [];
  const weight = negative && magnitude !== '0' && !/^0\.0+$/.test(magnitude) ? `-${magnitude}` : magnitude;
  return [
    {
      kind: 'weight',
      frame: { weight, unit: 'kg', stable: true, net: false, overload: false, underZero: negative },
    },
  ];
}
