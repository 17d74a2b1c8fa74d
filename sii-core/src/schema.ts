/**
 * Run-time schema validation with xmllint-wasm against the SII's XSDs, copied byte for byte into
 * ./schemas so production images do not need the reference folder. This is the SII's first
 * check (upload STATUS 7 / RSC): run it before every send.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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

export interface SchemaOptions {
  /**
   * Validate with the system's `xmllint` (libxml2, which xmllint-wasm compiles to WebAssembly)
   * when installed: xmllint-wasm starts a thread and compiles its module for every file, about
   * 100 ms of CPU before the first byte is read, which a load test's SII stand-in pays per
   * envelope. Falls back to xmllint-wasm where the tool is missing.
   */
  native?: boolean;
}

let nativeXmllint: boolean | undefined;
function hasNativeXmllint(): boolean {
  nativeXmllint ??= spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
  return nativeXmllint;
}

/** Validates XML bytes (any declared encoding) against the schema of the given root. */
export async function validateSchema(
  xml: Uint8Array,
  kind: SchemaKind,
  { native = false }: SchemaOptions = {},
): Promise<SchemaResult> {
  const set = SCHEMA_SETS[kind];
  if (native && hasNativeXmllint()) return validateNative(xml, set.folder + set.main);
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

/** `xmllint --schema` on the bytes through stdin; the messages worded as xmllint-wasm's. */
function validateNative(xml: Uint8Array, schemaPath: string): Promise<SchemaResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'xmllint',
      ['--noout', '--schema', fileURLToPath(new URL(schemaPath, SCHEMAS_DIR)), '-'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      // 0 valid; 3 and 4 invalid (as xmllint-wasm reads them); anything else is not an answer.
      if (code !== 0 && code !== 3 && code !== 4)
        return reject(new Error(stderr.trim() || `xmllint: ${code}`));
      const errors = stderr
        .split('\n')
        .filter((line) => line.trim() && !/^- (validates|fails to validate)$/.test(line.trim()))
        .map((line) => {
          // The system's older libxml2 names the element first; the wasm build does not.
          const located = /^-:(\d+): (?:element [^:]+: )?(.*)$/.exec(line);
          return located ? `línea ${located[1]}: ${located[2]!.trim()}` : line.trim();
        });
      resolve({ ok: code === 0, errors });
    });
    child.stdin.end(xml);
  });
}
