import { casEcrType6 } from './cas-ecr-type6.ts';
import { casStream } from './cas-stream.ts';
import { dialog06 } from './dialog06.ts';
import type { ScaleProtocol } from './scale.ts';
import { toledo8217 } from './toledo-8217.ts';

/** Scale protocols by the name used in the hub's configuration. */
export const SCALE_PROTOCOLS = {
  'toledo-8217': toledo8217,
  'cas-stream': casStream,
  'cas-ecr-type6': casEcrType6,
  dialog06,
} as const satisfies Record<string, ScaleProtocol>;
