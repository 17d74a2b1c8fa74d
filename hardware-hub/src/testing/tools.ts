import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fails with the Debian package to install when a test tool is missing. */
export function requireTool(command: string, debianPackage: string): void {
  const probe = spawnSync('sh', ['-c', `command -v ${command}`]);
  if (probe.status !== 0) {
    throw new Error(
      `${command} is not installed: run \`apt-get install -y ${debianPackage}\` (Debian package ${debianPackage})`,
    );
  }
}

/** Decodes the PDF417 in an image (PNG or PGM) with ZXing-C++'s reader; returns the raw bytes. */
export async function readPdf417(imagePath: string): Promise<Buffer> {
  requireTool('ZXingReader', 'zxing-cpp-tools');
  const { stdout } = await run('ZXingReader', ['-format', 'PDF417', '-bytes', imagePath], {
    encoding: 'buffer',
    maxBuffer: 1 << 20,
  });
  return stdout;
}
