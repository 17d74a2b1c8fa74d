import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertCafAuthority,
  type Caf,
  type CafAuthorities,
  cafAuthorityKey,
  DteError,
  siiCafAuthorities,
} from '@erp/sii-core';
import { TEST_CAF_AUTHORITY, TEST_CAF_IDK } from '@erp/sii-core/test-authority';
import type { Config } from '../platform/config.ts';

const KEY_FILE = /^(\d{1,9})\.(cer|crt|pem|der)$/i;

/**
 * The authorities whose CAFs this process accepts [docs/sii-documents.md#caf-authority]: the
 * SII's certification key (IDK 100, built in), the keys in SII_CAF_KEYS_DIR (`300.cer` for
 * production…), and the local test authority only when documents go to the simulator: a test
 * CAF must never stamp a document meant for the SII. Reads the folder once; a bad key file is a
 * configuration error at start, not a refusal at the first upload.
 */
export function cafAuthoritiesFor(
  config: Pick<Config, 'SII_ENVIRONMENT' | 'SII_CAF_KEYS_DIR'>,
): CafAuthorities {
  const configured = config.SII_CAF_KEYS_DIR ? readKeyFolder(config.SII_CAF_KEYS_DIR) : [];
  return siiCafAuthorities([
    ...configured,
    ...(config.SII_ENVIRONMENT === 'simulator' ? [TEST_CAF_AUTHORITY] : []),
  ]);
}

function readKeyFolder(dir: string) {
  return readdirSync(dir).flatMap((name) => {
    const match = KEY_FILE.exec(name);
    if (!match) return [];
    const idk = Number(match[1]);
    if (idk === TEST_CAF_IDK) {
      throw new Error(
        `Invalid configuration:\n  SII_CAF_KEYS_DIR: ${name}: IDK ${TEST_CAF_IDK} is the local test authority's, accepted only with SII_ENVIRONMENT=simulator`,
      );
    }
    try {
      return [[idk, cafAuthorityKey(readFileSync(join(dir, name)))] as const];
    } catch (error) {
      throw new Error(`Invalid configuration:\n  SII_CAF_KEYS_DIR: ${name}: ${(error as Error).message}`);
    }
  });
}

/**
 * Throws a DteError CAF_INVALID unless the CAF's FRMA verifies with a known authority; a test
 * authority CAF outside the simulator is named as such (configuring a key would not help).
 */
export function assertAcceptedCaf(
  caf: Pick<Caf, 'idk' | 'daXml' | 'signature'>,
  authorities: CafAuthorities,
) {
  if (caf.idk === TEST_CAF_IDK && !authorities.has(TEST_CAF_IDK)) {
    throw new DteError(
      'CAF_INVALID',
      `El CAF es de la autoridad de prueba (IDK ${TEST_CAF_IDK}): solo se acepta cuando los documentos van al simulador del SII.`,
    );
  }
  assertCafAuthority(caf, authorities);
}
