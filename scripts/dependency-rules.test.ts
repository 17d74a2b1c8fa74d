import { describe, expect, it } from 'vitest';
import {
  checkRules,
  headingAnchor,
  REPOSITORY_ROOT,
  repositoryDocs,
  resolveImport,
  scanRepository,
  scanSource,
} from './dependency-rules.ts';

/** One file written here, scanned as the repository scan would. */
const file = (path: string, text: string) => scanSource(path, text);
const rulesBroken = (path: string, text: string) => checkRules([file(path, text)]).map((v) => v.rule);

describe('dependency rules', () => {
  it('the repository keeps every rule', () => {
    const files = scanRepository(REPOSITORY_ROOT);
    // The scan must see the code it guards, or an empty repository would pass.
    expect(files.length).toBeGreaterThan(300);
    expect(files.some((f) => f.path.startsWith('sii-core/src/'))).toBe(true);
    expect(checkRules(files, repositoryDocs(REPOSITORY_ROOT))).toEqual([]);
  });

  it('resolves relative and workspace imports to repository paths', () => {
    expect(resolveImport('server/src/sales/sales.service.ts', '../cash/index.ts')).toBe(
      'server/src/cash/index.ts',
    );
    expect(resolveImport('hardware-hub/src/hub.ts', '@erp/sii-core')).toBe('sii-core/src/index.ts');
    expect(resolveImport('client/src/x.ts', '@erp/shared/money')).toBe('shared/money');
    expect(resolveImport('server/src/x.ts', 'pg')).toBe('pg');
  });

  it('the SII core may not import the server, the client, the hub or I/O packages', () => {
    expect(
      rulesBroken('sii-core/src/ted.ts', `import { x } from '../../server/src/platform/orm.ts';`),
    ).toEqual(['sii-core is pure: it imports nothing from server, client or hardware-hub']);
    expect(rulesBroken('sii-core/src/caf.ts', `import pg from 'pg';`)).toEqual([
      'sii-core has no database, queue, network or browser code',
    ]);
    expect(rulesBroken('sii-core/src/send.ts', `const http = await import('node:https');`)).toEqual([
      'sii-core has no database, queue, network or browser code',
    ]);
    expect(
      rulesBroken('sii-core/src/ok.ts', `import { z } from 'zod'; import { x } from './ted.ts';`),
    ).toEqual([]);
  });

  it('sii, catalog, inventory and tenancy may not reach sales or cash, even through their index', () => {
    for (const domain of ['sii', 'catalog', 'inventory', 'tenancy']) {
      expect(rulesBroken(`server/src/${domain}/a.ts`, `import { t } from '../cash/index.ts';`)).toEqual([
        'sii, catalog, inventory and tenancy do not depend on sales or cash',
      ]);
    }
    expect(rulesBroken('server/src/sii/a.test.ts', `import { s } from '../sales/index.ts';`)).toEqual([
      'sii, catalog, inventory and tenancy do not depend on sales or cash',
    ]);
  });

  it('sales may not import hardware or reporting', () => {
    expect(rulesBroken('server/src/sales/x.ts', `import { w } from '../reporting/index.ts';`)).toEqual([
      'sales does not know printers or walls (they subscribe to its news)',
    ]);
  });

  it('the client may not import the server; the hub may not import the server', () => {
    expect(
      rulesBroken(
        'client/src/apps/pos/A.vue',
        `<script setup lang="ts">\nimport x from '../../../../server/src/app.ts';\n</script>`,
      ),
    ).toEqual(['the client imports nothing from the server or the hub']);
    expect(rulesBroken('hardware-hub/src/hub.ts', `import { x } from '../../server/src/app.ts';`)).toEqual([
      'the hub imports nothing from the server or the client',
    ]);
  });

  it('another domain is entered through its index, infrastructure file by file', () => {
    expect(
      rulesBroken('server/src/reporting/x.ts', `import { a } from '../catalog/catalog.service.ts';`),
    ).toEqual(['another domain is entered through its index only']);
    expect(
      rulesBroken(
        'server/src/reporting/x.ts',
        `import { a } from '../catalog/index.ts'; import { o } from '../platform/orm.ts'; import { r } from './y.ts';`,
      ),
    ).toEqual([]);
  });

  it('handlers files hold no SQL and export only their registrar', () => {
    expect(
      rulesBroken(
        'server/src/sii/sii.handlers.ts',
        'export const registerSiiHandlers = () => em.execute(`select id from dte_document where id = ?`);',
      ),
    ).toEqual(['handlers files contain no SQL', "a domain's SQL text lives in its *.queries.ts files"]);
    expect(
      rulesBroken('server/src/sii/sii.queries.ts', "const q = 'update dte_envelope set state = ?';"),
    ).toEqual([]);
    expect(
      rulesBroken('server/src/hardware/hardware.handlers.ts', 'export function deliverStoreReceipts() {}'),
    ).toEqual(['handlers files export only their registrar']);
    expect(rulesBroken('server/src/sii/sii.handlers.ts', "const m = 'Seleccione una sucursal';")).toEqual([]);
  });

  it("keeps a domain's SQL in its query files; plumbing and tests may hold SQL", () => {
    const sql = 'export const f = (em) => em.execute(`select id from sale where id = ?`);';
    expect(rulesBroken('server/src/sales/sales.service.ts', sql)).toEqual([
      "a domain's SQL text lives in its *.queries.ts files",
    ]);
    expect(rulesBroken('server/src/sales/sale.queries.ts', sql)).toEqual([]);
    expect(rulesBroken('server/src/sales/sale-commit.test.ts', sql)).toEqual([]);
    expect(rulesBroken('server/src/platform/orm.ts', sql)).toEqual([]);
  });

  it('comments cite documents and sections that exist', () => {
    const docs = (path: string) => (path === 'docs/a.md' ? '# A\n\n## Exactly-once printing\n' : null);
    const cited = (comment: string) =>
      checkRules([file('server/src/x.ts', `// ${comment}\nexport const x = 1;`)], docs).map((v) => v.detail);
    expect(headingAnchor('Exactly-once printing')).toBe('exactly-once-printing');
    expect(cited('see docs/a.md#exactly-once-printing')).toEqual([]);
    expect(cited('see docs/a.md')).toEqual([]);
    expect(cited('see docs/a.md#paper-out')).toEqual(['docs/a.md#paper-out']);
    expect(cited('see docs/hardware.md')).toEqual(['docs/hardware.md']);
  });
});
