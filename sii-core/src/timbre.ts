/**
 * The printed timbre: a PDF417 (error correction level 5) of the flattened `<TED>` as
 * ISO-8859-1 bytes [docs/sii-rules.md#ted-and-printed-timbre]. Exported as PNG for the PDFs, the hub and the
 * POS.
 */
import bwipjs from 'bwip-js';
import { flattenTed } from './ted.ts';

/** SII limits for the printed symbol [MAN-IMPRESAS 1.1, 1.5]. */
export const TIMBRE_LIMITS_MM = { minWidth: 50, minHeight: 20, maxWidth: 90, maxHeight: 40 } as const;

/** Data columns: wide enough that a full TED (≈ 900 bytes) stays under the 4 cm height limit. */
const COLUMNS = 18;
/** Pixels per module: exact modules, so any printer or rasteriser can scale it cleanly. */
const MODULE_PX = 3;
/** Quiet zone around the symbol, in modules (PDF417 asks for 2). */
const QUIET_ZONE_MODULES = 2;

/** PNG of the timbre for a TED element (indented or not). */
export async function timbrePng(ted: string): Promise<Buffer> {
  const options = {
    bcid: 'pdf417',
    text: flattenTed(ted),
    // Each character is one ISO-8859-1 byte: bwip-js must not re-encode it as UTF-8.
    binarytext: true,
    eclevel: 5,
    columns: COLUMNS,
    scale: MODULE_PX,
    paddingwidth: QUIET_ZONE_MODULES,
    paddingheight: QUIET_ZONE_MODULES,
    backgroundcolor: 'FFFFFF',
  };
  return bwipjs.toBuffer(options as Parameters<typeof bwipjs.toBuffer>[0]);
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Printed size of the timbre within the SII limits: as wide as `widthMm`; the height follows
 * the symbol's proportions, stretched to the 2 cm minimum if needed (taller rows are still a
 * valid PDF417) and never above 4 cm.
 */
export function timbreSizeMm(png: Buffer, widthMm: number): { width: number; height: number } {
  const { width, height } = pngSize(png);
  const natural = (widthMm * height) / width;
  if (natural <= TIMBRE_LIMITS_MM.maxHeight) {
    return { width: widthMm, height: Math.max(natural, TIMBRE_LIMITS_MM.minHeight) };
  }
  const narrower = (TIMBRE_LIMITS_MM.maxHeight * width) / height;
  if (narrower < TIMBRE_LIMITS_MM.minWidth)
    throw new RangeError('The TED is too long to print within the SII limits');
  return { width: narrower, height: TIMBRE_LIMITS_MM.maxHeight };
}
