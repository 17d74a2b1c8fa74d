/**
 * The repository's dependency rules, checked over the import graph of every source file
 * (`scripts/dependency-rules.test.ts` runs them in `npm test`). A rule names who may not import
 * whom; the check reads files only, it runs none of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One source file as the rules see it: repository-relative path, resolved imports, SQL found. */
export interface ScannedFile {
  path: string;
  /** Repository-relative paths for the project's own files; package names otherwise. */
  imports: string[];
  /** String literals in the file that read as SQL statements. */
  sql: string[];
  /** Names the file exports. */
  exports: string[];
  /** Repository documents the file cites (`docs/x.md` or `docs/x.md#section`). */
  citations: string[];
}

export interface Violation {
  rule: string;
  file: string;
  detail: string;
}

/** Workspace packages and the folder each one maps to. */
const WORKSPACES: Record<string, string> = {
  '@erp/shared': 'shared',
  '@erp/sii-core': 'sii-core',
  '@erp/client': 'client',
  '@erp/hardware-hub': 'hardware-hub',
};

/** Server folders that are plumbing, not business domains: imported file by file. */
const INFRASTRUCTURE = new Set(['platform', 'realtime']);

/** Packages that mean database, queue, network or browser work. */
const IO_PACKAGES = [
  /^pg$/,
  /^@mikro-orm\//,
  /^bullmq$/,
  /^ioredis$/,
  /^redis$/,
  /^puppeteer/,
  /^socket\.io/,
  /^undici$/,
  /^nodemailer$/,
  /^(node:)?(http|https|http2|net|tls|dgram|dns)$/,
];

const SQL_STATEMENT =
  /^\s*(with\s+\w+\s+as\s*\(|select\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s)/i;

const isTest = (path: string) => /\.test(-d)?\.ts$/.test(path) || path.startsWith('server/test/');
const within = (path: string, folder: string) => path.startsWith(`${folder}/`);
/** `server/src/<domain>/…` → domain; anything else → null. */
const serverDomain = (path: string) => /^server\/src\/([^/]+)\//.exec(path)?.[1] ?? null;

/** A rule reports, for one file, the imports (or SQL, or exports) that break it. */
interface Rule {
  name: string;
  check: (file: ScannedFile) => string[];
}

/** A rule that forbids files matching `applies` to import targets matching `forbidden`. */
const forbid = (
  name: string,
  applies: (path: string) => boolean,
  forbidden: (target: string, from: string) => boolean,
): Rule => ({
  name,
  check: (file) => (applies(file.path) ? file.imports.filter((target) => forbidden(target, file.path)) : []),
});

export const RULES: Rule[] = [
  forbid(
    'sii-core is pure: it imports nothing from server, client or hardware-hub',
    (p) => within(p, 'sii-core'),
    (t) => ['server', 'client', 'hardware-hub'].some((folder) => within(t, folder)),
  ),
  forbid(
    'sii-core has no database, queue, network or browser code',
    (p) => within(p, 'sii-core'),
    (t) => IO_PACKAGES.some((pattern) => pattern.test(t)),
  ),
  forbid(
    'sii, catalog, inventory and tenancy do not depend on sales or cash',
    (p) => ['sii', 'catalog', 'inventory', 'tenancy'].includes(serverDomain(p) ?? ''),
    (t) => ['sales', 'cash'].includes(serverDomain(t) ?? ''),
  ),
  forbid(
    'sales does not know printers or walls (they subscribe to its news)',
    (p) => serverDomain(p) === 'sales' && !isTest(p),
    (t) => ['hardware', 'reporting'].includes(serverDomain(t) ?? ''),
  ),
  forbid(
    'the client imports nothing from the server or the hub',
    (p) => within(p, 'client/src'),
    (t) => within(t, 'server') || within(t, 'hardware-hub'),
  ),
  forbid(
    'the hub imports nothing from the server or the client',
    (p) => within(p, 'hardware-hub/src'),
    (t) => within(t, 'server') || within(t, 'client'),
  ),
  forbid(
    'another domain is entered through its index only',
    (p) => serverDomain(p) !== null && !isTest(p),
    (t, from) => {
      const other = serverDomain(t);
      return (
        other !== null &&
        other !== serverDomain(from) &&
        !INFRASTRUCTURE.has(other) &&
        t !== `server/src/${other}/index.ts`
      );
    },
  ),
  {
    name: 'handlers files contain no SQL',
    check: (file) => (/\.(handlers|routes)\.ts$/.test(file.path) ? file.sql : []),
  },
  {
    name: "a domain's SQL text lives in its *.queries.ts files",
    check: (file) => {
      const domain = serverDomain(file.path);
      const applies =
        domain !== null &&
        !INFRASTRUCTURE.has(domain) &&
        !isTest(file.path) &&
        !file.path.endsWith('.queries.ts');
      return applies ? file.sql : [];
    },
  },
  {
    name: 'handlers files export only their registrar',
    check: (file) =>
      file.path.endsWith('.handlers.ts')
        ? file.exports.filter((name) => !/^register\w*Handlers$/.test(name))
        : [],
  },
];

/** A GitHub-style anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export const headingAnchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The rule that every cited document, and section, exists; `docs` maps a path to its text. */
export function missingCitations(file: ScannedFile, docs: (path: string) => string | null): string[] {
  return file.citations.filter((citation) => {
    const [path, section] = citation.split('#') as [string, string | undefined];
    const text = docs(path);
    if (text === null) return true;
    if (!section) return false;
    const anchors = [...text.matchAll(/^#+\s+(.+)$/gm)].map((m) => headingAnchor(m[1]!.trim()));
    return !anchors.includes(section);
  });
}

export function checkRules(
  files: ScannedFile[],
  docs: (path: string) => string | null = () => null,
): Violation[] {
  return files.flatMap((file) => [
    ...RULES.flatMap((rule) =>
      rule.check(file).map((detail) => ({ rule: rule.name, file: file.path, detail })),
    ),
    ...missingCitations(file, docs).map((detail) => ({
      rule: 'comments cite documents that exist in the repository',
      file: file.path,
      detail,
    })),
  ]);
}

/** Resolves an import specifier of `from` to a repository path or a package name. */
export function resolveImport(from: string, specifier: string): string {
  if (specifier.startsWith('.')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const [name, folder] of Object.entries(WORKSPACES)) {
    if (specifier === name) return `${folder}/src/index.ts`;
    if (specifier.startsWith(`${name}/`)) return `${folder}/${specifier.slice(name.length + 1)}`;
  }
  return specifier;
}

const SCANNED_ROOTS = [
  'shared/src',
  'sii-core/src',
  'server/src',
  'server/test',
  'client/src',
  'hardware-hub/src',
];

function listSources(root: string, folder: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(root, folder), { withFileTypes: true });
  } catch {
    return []; // a workspace that does not exist (yet) has nothing to check
  }
  return entries.flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listSources(root, path);
    return /\.(ts|vue)$/.test(entry.name) ? [path] : [];
  });
}

/** The `<script>` blocks of a single-file component, or the whole text of a TypeScript file. */
function scriptText(path: string, text: string): string {
  if (!path.endsWith('.vue')) return text;
  return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

export function scanSource(path: string, text: string): ScannedFile {
  const source = ts.createSourceFile(path, scriptText(path, text), ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const sql: string[] = [];
  const exports: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      imports.push(resolveImport(path, (node.moduleSpecifier as ts.StringLiteral).text));
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      imports.push(resolveImport(path, node.arguments[0].text));
    } else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node)) {
      if (SQL_STATEMENT.test(node.text)) sql.push(node.text.trim().split('\n')[0]!.slice(0, 80));
    }
    const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
    if (modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations) exports.push(d.name.getText(source));
      } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
        exports.push(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const citations = [...text.matchAll(/\bdocs\/[\w-]+\.md(?:#[\w-]+)?/g)].map((m) => m[0]);
  return { path, imports, sql, exports, citations };
}

export function scanRepository(root: string): ScannedFile[] {
  return SCANNED_ROOTS.flatMap((folder) => listSources(root, folder)).map((path) =>
    scanSource(path, readFileSync(join(root, path), 'utf8')),
  );
}

/** Reads a repository document, or null when it does not exist. */
export const repositoryDocs =
  (root: string) =>
  (path: string): string | null => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return null;
    }
  };

/** The repository root, seen from this file. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
