import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fail } from '@erp/shared';
import type { Logger } from '../logger.ts';
import type { CatalogReplica } from './catalog-replica.ts';
import type { KnownSessions } from './known-sessions.ts';
import type { LinkMonitor } from './link-monitor.ts';
import { OFFLINE_PREFIX } from './offline-commands.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the hub sets itself are not forwarded. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-encoding',
  'proxy-connection',
  'te',
  'trailer',
]);

/** An API call forwarded to the central server gives up after this (the POS shows OFFLINE). */
const PROXY_TIMEOUT_MS = 30_000;
const SNAPSHOT_PATH = /^\/api\/t\/([a-z0-9-]+)\/catalog\/snapshot(?:\?|$)/;

export interface HttpFrontOptions {
  clientDist: string;
  serverOrigin: string;
  tenantSlug: string;
  storeId: string;
  link: LinkMonitor;
  replica: CatalogReplica;
  sessions: KnownSessions;
  logger: Logger;
}

/**
 * The store node's HTTP side: the built client (so the POS, the tablet and the rest load from the
 * store's network, also with no internet), and `/api/*` forwarded to the central server while it
 * answers. Offline, the catalog snapshot comes from the hub's replica (for a session the server
 * accepted through this hub) and every other call gets OFFLINE at once.
 */
export function httpFront(options: HttpFrontOptions) {
  const root = normalize(options.clientDist);

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://hub').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return void response.writeHead(404).end();
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      // `/pos` → `/pos/`, so the page's relative asset paths resolve as Vite built them.
      if (!path.endsWith('/')) return void response.writeHead(301, { location: `${path}/` }).end();
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile())
      return void response.writeHead(404, { 'content-type': TYPES['.txt']! }).end('No encontrado');
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      // Hashed bundles never change; pages are asked again so a new build is picked up.
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  }

  function sendJson(response: ServerResponse, status: number, body: unknown): void {
    response
      .writeHead(status, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  }

  function bearerOf(request: IncomingMessage): string | null {
    const header = request.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7) : null;
  }

  /** The central server is unreachable: the catalog from the replica, anything else OFFLINE. */
  function answerOffline(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://hub');
    const snapshot = SNAPSHOT_PATH.exec(request.url ?? '');
    const token = bearerOf(request);
    if (request.method === 'GET' && snapshot?.[1] === options.tenantSlug && token) {
      const store = url.searchParams.get('store') || null;
      const admitted =
        options.sessions.admits(token, store, 'pos') || options.sessions.admits(token, store, 'tablet');
      const feed =
        admitted && (store === null || store === options.storeId) ? options.replica.feed(null) : null;
      if (feed) {
        sendJson(response, 200, { ok: true, data: feed });
        return;
      }
    }
    sendJson(
      response,
      503,
      fail(
        'OFFLINE',
        `${OFFLINE_PREFIX}: esta operación necesita la central. Intente cuando vuelva la conexión.`,
      ),
    );
  }

  async function readBody(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function proxy(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!options.link.online) return answerOffline(request, response);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!NOT_FORWARDED.has(name) && typeof value === 'string') headers[name] = value;
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    let upstream: Response;
    try {
      upstream = await fetch(`${options.serverOrigin}${request.url}`, {
        method: request.method ?? 'GET',
        headers,
        body: hasBody ? await readBody(request) : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
      });
    } catch (error) {
      options.logger.warn({ err: (error as Error).message, path: request.url }, 'api call not forwarded');
      void options.link.probe();
      return answerOffline(request, response);
    }
    // fetch decodes gzip: the body goes on decoded (the LAN is fast), without the encoding header.
    const body = Buffer.from(await upstream.arrayBuffer());
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!NOT_FORWARDED.has(name)) out[name] = value;
    });
    response.writeHead(upstream.status, { ...out, 'content-length': body.length }).end(body);
    const snapshot = SNAPSHOT_PATH.exec(request.url ?? '');
    if (snapshot?.[1] === options.tenantSlug && upstream.status === 200)
      tapSnapshot(body, upstream.headers.get('etag'));
  }

  function tapSnapshot(body: Buffer, etag: string | null): void {
    try {
      const answer = JSON.parse(body.toString('utf8')) as { ok?: boolean; data?: unknown };
      if (answer.ok && options.replica.applySnapshot(answer.data, etag)) {
        options.logger.info(
          { version: options.replica.version, products: options.replica.size },
          'catalog replica updated',
        );
      }
    } catch {
      // Not a snapshot after all: nothing to keep.
    }
  }

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (request.url?.startsWith('/api/')) return await proxy(request, response);
      if (request.method === 'GET' || request.method === 'HEAD') return await serveFile(request, response);
      response.writeHead(405).end();
    } catch (error) {
      options.logger.error({ err: error, path: request.url }, 'http request failed');
      if (!response.headersSent) sendJson(response, 500, fail('INTERNAL'));
      else response.destroy();
    }
  };
}
