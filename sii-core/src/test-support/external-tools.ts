/**
 * Runs the independent Debian tools the tests check our output with. A missing tool fails the
 * test with the package to install, instead of silently skipping the check.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const PACKAGES: Readonly<Record<string, string>> = {
  xmllint: 'libxml2-utils',
  xmlsec1: 'xmlsec1',
  pdftoppm: 'poppler-utils',
  pdftotext: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  ZXingReader: 'zxing-cpp-tools',
  chromium: 'chromium',
};

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  output: string;
}

export function run(command: keyof typeof PACKAGES, args: string[]): RunResult {
  const result = spawnSync(command, args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`'${command}' is not installed: apt-get install ${PACKAGES[command]}`);
  }
  return {
    status: result.status,
    stdout: result.stdout,
    output: `${result.stdout.toString()}${result.stderr.toString()}`,
  };
}

export const SCHEMA_DIR = new URL('../schemas/', import.meta.url).pathname;
const SII_NS = 'http://www.sii.cl/SiiDte';

export function xmllintSchema(file: string, schema: string): RunResult {
  return run('xmllint', ['--noout', '--schema', SCHEMA_DIR + schema, file]);
}

/**
 * xmlsec1 on one Signature (by XPath) of a file, or of each of several files (one `OK` line per
 * file that verifies), IDs declared as the SII namespace requires
 * [docs/sii-rules.md#verification-with-independent-tools].
 */
export function xmlsecVerify(
  file: string | readonly string[],
  signatureXPath = "/*/*[local-name()='Signature']",
): RunResult {
  return run('xmlsec1', [
    '--verify',
    '--insecure',
    '--id-attr:ID',
    `${SII_NS}:Documento`,
    '--id-attr:ID',
    `${SII_NS}:SetDTE`,
    '--node-xpath',
    signatureXPath,
    ...(typeof file === 'string' ? [file] : file),
  ]);
}

/** Writes a DTE text (cut out of an envelope) as its own ISO-8859-1 document. */
export function writeStandalone(file: string, dteText: string): void {
  writeFileSync(file, `<?xml version="1.0" encoding="ISO-8859-1"?>\n${dteText}`, 'latin1');
}
