/**
 * `npm run -s erp -- <command>`: test credentials, building, verifying and printing SII
 * documents from the command line. Messages for people are in Spanish. CAFs are accepted as the
 * server accepts them (`cafAuthoritiesFor`: the SII's keys, SII_CAF_KEYS_DIR; test CAFs only while
 * SII_ENVIRONMENT is the simulator, the default outside production).
 *
 *   cert make-test --rut R --name N --out cert.pfx --password P
 *   caf make-test --rut R --type T --from A --to B --out caf.xml [--name RS] [--date AAAA-MM-DD]
 *   dte build --input doc.json --caf caf.xml [--caf otro.xml] --cert cert.pfx --password P --out envio.xml [--receiver RUT]
 *   dte verify FILE [--caf caf.xml]
 *   dte pdf FILE --format thermal|letter --out out.pdf [--res-number N --res-date AAAA-MM-DD] [--sii-office OFICINA]
 *   secrets rotate --from OLD_KEY --to NEW_KEY   (every sealed secret of DATABASE_OWNER_URL's database)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  buildDte,
  buildEnvelope,
  type Caf,
  DteError,
  loadPfx,
  parseCaf,
  readDocuments,
  verifyFile,
} from '@erp/sii-core';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { loadConfig } from '../platform/config.ts';
import { isZeroKey, SecretBox } from '../platform/secrets.ts';
import { rotateSecrets, UnknownSecretsKeyError } from '../platform/secrets-rotation.ts';
import { assertAcceptedCaf, cafAuthoritiesFor } from './caf-authorities.ts';
import { DtePdfRenderer } from './pdf/pdf.ts';

const USAGE = `Uso:
  erp cert make-test --rut RUT --name NOMBRE --out cert.pfx --password CLAVE
  erp caf make-test --rut RUT --type TIPO --from DESDE --to HASTA --out caf.xml [--name RAZON] [--date AAAA-MM-DD]
  erp dte build --input doc.json --caf caf.xml [--caf otro.xml] --cert cert.pfx --password CLAVE --out envio.xml [--receiver RUT]
  erp dte verify ARCHIVO [--caf caf.xml]
  erp dte pdf ARCHIVO --format thermal|letter --out salida.pdf [--res-number N --res-date AAAA-MM-DD] [--sii-office OFICINA]
  erp secrets rotate --from CLAVE_ANTERIOR --to CLAVE_NUEVA`;

class UsageError extends Error {}

function options(args: string[], spec: Record<string, { multiple?: boolean }>) {
  const parsed = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      Object.entries(spec).map(([name, o]) => [
        name,
        { type: 'string' as const, multiple: o.multiple ?? false },
      ]),
    ),
  });
  const values = parsed.values as Record<string, string | string[] | undefined>;
  const required = (name: string) => {
    const value = values[name];
    if (value === undefined || value.length === 0) throw new UsageError(`Falta --${name}`);
    return value as string;
  };
  const list = (name: string) => {
    const value = values[name];
    if (!Array.isArray(value) || value.length === 0) throw new UsageError(`Falta --${name}`);
    return value;
  };
  const integer = (name: string) => {
    const value = Number(required(name));
    if (!Number.isSafeInteger(value)) throw new UsageError(`--${name} debe ser un número entero`);
    return value;
  };
  return { values, positionals: parsed.positionals, required, list, integer };
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async 'cert make-test'(args) {
    const o = options(args, { rut: {}, name: {}, out: {}, password: {} });
    const pfx = makeTestCertificate({
      rut: o.required('rut'),
      name: o.required('name'),
      password: o.required('password'),
    });
    writeFileSync(o.required('out'), pfx);
    console.log(`Certificado de prueba escrito en ${o.required('out')}`);
    return 0;
  },

  async 'caf make-test'(args) {
    const o = options(args, { rut: {}, type: {}, from: {}, to: {}, out: {}, name: {}, date: {} });
    const caf = makeTestCaf({
      rut: o.required('rut'),
      type: o.integer('type'),
      from: o.integer('from'),
      to: o.integer('to'),
      name: o.values.name as string | undefined,
      authorizedOn: o.values.date as string | undefined,
    });
    writeFileSync(o.required('out'), caf);
    console.log(`CAF de prueba escrito en ${o.required('out')}`);
    return 0;
  },

  async 'dte build'(args) {
    const o = options(args, {
      input: {},
      caf: { multiple: true },
      cert: {},
      password: {},
      out: {},
      receiver: {},
    });
    const input: unknown = JSON.parse(readFileSync(o.required('input'), 'utf8'));
    const documents = Array.isArray(input) ? input : [input];
    const cafs = o.list('caf').map((file) => parseCaf(readFileSync(file)));
    // A CAF whose range was edited still stamps TEDs its own key verifies: only the authority's
    // FRMA tells it apart, so nothing is stamped with a CAF the SII would refuse.
    const authorities = cafAuthoritiesFor(loadConfig());
    for (const caf of cafs) assertAcceptedCaf(caf, authorities);
    const credentials = loadPfx(readFileSync(o.required('cert')), o.required('password'));
    const folios = folioAllocator(documents, cafs);
    const signedAt = new Date();
    const dtes = documents.map((doc: { type?: unknown; folio?: number }) => {
      const caf = cafs.find((c) => c.type === doc.type);
      if (!caf)
        throw new DteError('CAF_INVALID', `No se indicó un CAF para documentos tipo ${String(doc.type)}.`);
      return buildDte(doc, { caf, credentials, folio: doc.folio ?? folios(caf), signedAt });
    });
    writeFileSync(
      o.required('out'),
      buildEnvelope(dtes, { credentials, receiverRut: o.values.receiver as string | undefined, signedAt }),
    );
    console.log(
      `Envío con ${dtes.length} documento(s) escrito en ${o.required('out')}: ${dtes.map((d) => d.id).join(', ')}`,
    );
    return 0;
  },

  async 'dte verify'(args) {
    const o = options(args, { caf: {} });
    const file = o.positionals[0];
    if (!file) throw new UsageError('Indique el archivo a verificar');
    const caf = o.values.caf ? parseCaf(readFileSync(o.values.caf as string)) : undefined;
    const report = await verifyFile(readFileSync(file), {
      caf,
      authorities: cafAuthoritiesFor(loadConfig()),
    });
    if (report.schema.skipped) console.log(`Aviso: ${report.schema.skipped}`);
    for (const line of report.failureLines) console.log(line);
    if (report.ok)
      console.log(`OK: ${report.documents.length} documento(s) válidos (esquema, firmas y timbres).`);
    return report.ok ? 0 : 1;
  },

  async 'dte pdf'(args) {
    const o = options(args, { format: {}, out: {}, 'res-number': {}, 'res-date': {}, 'sii-office': {} });
    const file = o.positionals[0];
    if (!file) throw new UsageError('Indique el archivo del documento');
    const format = o.required('format');
    if (format !== 'thermal' && format !== 'letter')
      throw new UsageError('--format debe ser thermal o letter');
    const read = readDocuments(readFileSync(file));
    const resolution =
      o.values['res-number'] !== undefined
        ? { number: o.integer('res-number'), date: o.required('res-date') }
        : read.caratula && { number: read.caratula.resolutionNumber, date: read.caratula.resolutionDate };
    if (!resolution)
      throw new UsageError('Un DTE suelto no trae la resolución: indique --res-number y --res-date');
    const out = o.required('out');
    const renderer = await DtePdfRenderer.launch();
    try {
      for (const doc of read.documents) {
        // Several documents: one file each, named after the document ID.
        const target = read.documents.length === 1 ? out : out.replace(/(\.pdf)?$/i, `-${doc.id}.pdf`);
        const pdf = await renderer.render(doc, {
          format,
          resolution,
          siiOffice: o.values['sii-office'] as string | undefined,
        });
        writeFileSync(target, pdf);
        console.log(`PDF escrito en ${target}`);
      }
    } finally {
      await renderer.close();
    }
    return 0;
  },

  /**
   * Re-seals the CAF keys and certificates of every tenant with a new SECRETS_KEY, in one
   * transaction. Stop the server and worker first; start them again with the new key.
   */
  async 'secrets rotate'(args) {
    const o = options(args, { from: {}, to: {} });
    const box = (name: string) => {
      try {
        return new SecretBox(o.required(name));
      } catch {
        throw new UsageError(
          `--${name} debe ser una clave de 32 bytes (64 caracteres hexadecimales o base64)`,
        );
      }
    };
    const [from, to] = [box('from'), box('to')];
    if (isZeroKey(o.required('to'))) throw new UsageError('--to no puede ser la clave de ceros');
    try {
      const report = await rotateSecrets(loadConfig().DATABASE_OWNER_URL, from, to);
      console.log(
        `Secretos cifrados de nuevo: ${report.rotated}; ya estaban con la clave nueva: ${report.current}. ` +
          'Inicie el servidor y el worker con SECRETS_KEY igual a la clave nueva.',
      );
      return 0;
    } catch (error) {
      if (!(error instanceof UnknownSecretsKeyError)) throw error;
      console.error(
        `No se cambió nada: hay secretos que no se abren ni con --from ni con --to (${error.where.join(', ')}).`,
      );
      return 1;
    }
  },
};

/** Next unused folio of each CAF, in order, skipping the folios the input already names. */
function folioAllocator(documents: { folio?: unknown }[], cafs: Caf[]): (caf: Caf) => number {
  const taken = new Set(documents.map((d) => d.folio).filter((f) => typeof f === 'number'));
  const next = new Map(cafs.map((caf) => [caf, caf.from]));
  return (caf) => {
    let folio = next.get(caf)!;
    while (taken.has(folio)) folio++;
    if (folio > caf.to) throw new DteError('NO_FOLIOS');
    next.set(caf, folio + 1);
    return folio;
  };
}

async function main(argv: string[]): Promise<number> {
  const command = commands[`${argv[0]} ${argv[1]}`];
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  try {
    return await command(argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DteError) {
      console.error(`Error (${error.code}): ${error.message}`);
      return 1;
    }
    if (error instanceof SyntaxError) {
      console.error(`El archivo JSON no es válido: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
