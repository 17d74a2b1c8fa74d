import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './tools.ts';

export interface PtyPair {
  /** The end the hub's driver opens. */
  hubPath: string;
  /** The end the fake device opens. */
  devicePath: string;
  close(): Promise<void>;
}

/**
 * A virtual serial cable: two linked pseudo-terminals from socat
 * (docs/hardware-protocols.md#testing-without-hardware). A pty is a byte pipe, not a UART: baud rate and
 * parity are not enforced, so line settings are tested apart.
 */
export async function startPtyPair(): Promise<PtyPair> {
  requireTool('socat', 'socat');
  const dir = mkdtempSync(join(tmpdir(), 'hub-pty-'));
  const hubPath = join(dir, 'hub');
  const devicePath = join(dir, 'device');
  const socat: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${hubPath}`, `pty,raw,echo=0,link=${devicePath}`],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(hubPath) && existsSync(devicePath))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.kill();
      throw new Error('socat did not create the pty pair');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    hubPath,
    devicePath,
    async close() {
      if (socat.exitCode === null) {
        const exited = new Promise((resolve) => socat.once('exit', resolve));
        socat.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
