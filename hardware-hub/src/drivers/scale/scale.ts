import type { ScaleReading } from '@erp/shared';
import type { SerialSettings } from '../printer/serial-transport.ts';

/** What one frame says about the load; the driver adds the scale id, sequence and time. */
export interface WeightFrame {
  /** Signed decimal text in `unit`; null when the frame carries no weight (moving, overload, error). */
  weight: string | null;
  unit: 'kg' | 'g' | 'lb';
  stable: boolean;
  net: boolean;
  overload: boolean;
  underZero: boolean;
}

/** A frame that says "no weight now" (no answer, refused, nothing on the plate): never a weight to sell. */
export const NO_WEIGHT: WeightFrame = {
  weight: null,
  unit: 'kg',
  stable: false,
  net: false,
  overload: false,
  underZero: false,
};

/** A decoder turns received bytes into frames, and may ask the driver to send the next step of a handshake. */
export type ScaleEvent = { kind: 'weight'; frame: WeightFrame } | { kind: 'send'; bytes: Buffer };

export interface ScaleDecoder {
  push(chunk: Buffer): ScaleEvent[];
}

/** One serial scale protocol: its usual line settings, how to ask for a weight, and its frame parser. */
export interface ScaleProtocol {
  readonly name: string;
  readonly serial: SerialSettings;
  /** Sent every poll interval while watched; absent for scales that stream on their own. */
  readonly pollRequest?: Buffer;
  readonly zeroCommand?: Buffer;
  readonly tareCommand?: Buffer;
  createDecoder(): ScaleDecoder;
}

export interface ScaleInfo {
  id: string;
  name: string;
  protocol: string;
}

export interface ScaleDriver {
  readonly info: ScaleInfo;
  /** Reads the scale for `durationMs` (renewed while a weighing screen is open). */
  watch(durationMs: number): void;
  /** The current reading: weight is state, not only change events. */
  latest(): ScaleReading | null;
  /** Called with every changed reading while watched; returns an unsubscribe function. */
  onReading(listener: (reading: ScaleReading) => void): () => void;
  tare(beforeSend: () => void): Promise<void>;
  zero(beforeSend: () => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Weight text as the scale sent it (`+0001.234`, `  13.5`, `-00.120`) in canonical form
 * (`1.234`, `13.5`, `-0.120`), without going through a float.
 */
export function normalizeWeight(text: string): string | null {
  const match = /^([+-]?)\s*(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (!match[2] && !match[3])) return null;
  const integer = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = match[3] ?? '';
  const zero = /^0*$/.test(integer + fraction);
  const sign = match[1] === '-' && !zero ? '-' : '';
  return fraction ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
}

/** Digits in grams to kilograms with three decimals: `01234` → `1.234`. */
export function gramsToKg(digits: string): string {
  const padded = digits.padStart(4, '0');
  return normalizeWeight(`${padded.slice(0, -3)}.${padded.slice(-3)}`)!;
}
