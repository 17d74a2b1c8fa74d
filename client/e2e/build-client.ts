import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    clientDist: string;
  }
}

const CLIENT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Global setup of the end-to-end project: one Vite build of every page per test run (a build
 * takes most of a core for several seconds), in a directory of its own so a developer's
 * `client/dist` is left alone. The test files find it with `inject('clientDist')`.
 */
export default async function buildClientOnce(project: TestProject): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'erp-e2e-client-'));
  await build({
    root: CLIENT_ROOT,
    configFile: join(CLIENT_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('clientDist', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
