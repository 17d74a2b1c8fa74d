/**
 * Debian tools the tests (and the PDF renderer) use. Missing ones are installed with apt when
 * running as root; otherwise the run stops with the command to type.
 */
import { spawnSync } from 'node:child_process';

export const SYSTEM_TOOLS: Record<string, string> = {
  chromium: 'chromium',
  xmllint: 'libxml2-utils',
  xmlsec1: 'xmlsec1',
  pdftoppm: 'poppler-utils',
  ZXingReader: 'zxing-cpp-tools',
  socat: 'socat',
};

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

export function ensureSystemTools(tools: string[] = Object.keys(SYSTEM_TOOLS)): void {
  const missing = tools.filter((bin) => !has(bin)).map((bin) => SYSTEM_TOOLS[bin]!);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(
      `\n[system] Missing Debian packages: ${missing.join(', ')}.\nInstall them with: sudo ${command}\n`,
    );
    process.exit(1);
  }
  console.log(`[system] installing ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0 || tools.some((bin) => !has(bin))) {
    console.error(`\n[system] Could not install ${missing.join(', ')}. Install them by hand: ${command}\n`);
    process.exit(1);
  }
}
