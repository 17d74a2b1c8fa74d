/**
 * Run-time schema validation with xmllint-wasm against the SII's XSDs, copied byte for byte into
 * ./schemas so production images do not need the reference folder. This is the SII's first
 * check (upload STATUS 7 / RSC): run it before every send.
 */
import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';

export type SchemaKind = 'EnvioDTE' | 'EnvioBOLETA' | 'DTE';

/**
 * Facturas use the top-level set; boletas the SII's 2025 EnvioBOLETA (format v4.1)
 * [docs/sii-rules.md#document-structure].
 */
const SCHEMA_SETS: Readonly<Record<SchemaKind, { folder: string; main: string; includes: string[] }>> = {
  EnvioDTE: {
    folder: '',
    main: 'EnvioDTE_v10.xsd',
    includes: ['DTE_v10.xsd', 'SiiTypes_v10.xsd', 'xmldsignature_v10.xsd'],
  },
  DTE: { folder: '', main: 'DTE_v10.xsd', includes: ['SiiTypes_v10.xsd', 'xmldsignature_v10.xsd'] },
  EnvioBOLETA: {
    folder: 'sii-2025/schema_envio_bol/',
    main: 'EnvioBOLETA_v11.xsd',
    includes: ['xmldsignature_v10.xsd'],
  },
};

const SCHEMAS_DIR = new URL('./schemas/', import.meta.url);
const fileCache = new Map<string, Promise<Buffer>>();

function schemaFile(path: string): Promise<Buffer> {
  let file = fileCache.get(path);
  if (!file) {
    file = readFile(new URL(path, SCHEMAS_DIR));
    fileCache.set(path, file);
  }
  return file;
}

export interface SchemaResult {
  ok: boolean;
  /** xmllint's messages (English, technical), one per problem. */
  errors: string[];
}

/** Validates XML bytes (any declared encoding) against the schema of the given root. */
export async function validateSchema(xml: Uint8Array, kind: SchemaKind): Promise<SchemaResult> {
  const set = SCHEMA_SETS[kind];
  const [main, ...includes] = await Promise.all(
    [set.main, ...set.includes].map((name) => schemaFile(set.folder + name)),
  );
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [{ fileName: set.main, contents: main! }],
    preload: set.includes.map((fileName, i) => ({ fileName, contents: includes[i]! })),
  });
  return {
    ok: result.valid,
    errors: result.errors.map((e) => (e.loc ? `línea ${e.loc.lineNumber}: ${e.message}` : e.message)),
  };
}
