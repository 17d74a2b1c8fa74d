/** Where a tenant's documents go. */
export type SiiTarget = 'simulator' | 'certification' | 'production';

/**
 * The process setting decides first: `simulator` sends everything to the local simulator and
 * `certification` never lets a document reach production; under `production` each tenant goes
 * where its own `sii_environment` says (a tenant still certifying stays on maullin).
 */
export function targetFor(
  processEnvironment: SiiTarget,
  tenantEnvironment: 'certification' | 'production',
): SiiTarget {
  if (processEnvironment === 'simulator') return 'simulator';
  if (processEnvironment === 'certification') return 'certification';
  return tenantEnvironment;
}

export interface SiiHosts {
  /** SOAP services (CrSeed, GetTokenFromSeed, QueryEstUp, QueryEstDte) and DTEUpload. */
  dte: string;
  /** Boleta REST: seed, token and status. */
  boletaApi: string;
  /** Boleta REST: envío. */
  boletaUpload: string;
}

/** Hosts per target [docs/sii-rules.md#web-services]; the simulator answers every path on one local URL. */
export function siiHosts(target: SiiTarget, simulatorUrl: string): SiiHosts {
  switch (target) {
    case 'certification':
      return {
        dte: 'https://maullin.sii.cl',
        boletaApi: 'https://apicert.sii.cl',
        boletaUpload: 'https://pangal.sii.cl',
      };
    case 'production':
      return {
        dte: 'https://palena.sii.cl',
        boletaApi: 'https://api.sii.cl',
        boletaUpload: 'https://rahue.sii.cl',
      };
    case 'simulator': {
      const base = simulatorUrl.replace(/\/$/, '');
      return { dte: base, boletaApi: base, boletaUpload: base };
    }
  }
}
