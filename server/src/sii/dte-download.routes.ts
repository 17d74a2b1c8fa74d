import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { type AuthService, bearer } from '../tenancy/index.ts';
import { signedDocument, storedPdf } from './dte.queries.ts';
import { defaultPdfFormat, renderSigned, type SharedPdfRenderer } from './dte-pdf.ts';

/**
 * Who may download documents: the roles that see them in the back office (`dte:list`). A
 * supervisor runs the store floor, not the tax documents, and gets FORBIDDEN.
 */
const DOWNLOAD_ROLES: readonly string[] = ['owner', 'admin'];
const FORMATS = ['thermal', 'letter'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface DownloadRequest {
  Params: { tenantSlug: string; documentId: string };
  Querystring: { format?: string };
}

/**
 * `GET /api/t/:tenantSlug/dte/:documentId/xml` — the signed DTE exactly as stored (ISO-8859-1) —
 * and `…/pdf` — the PDF the worker stored, or rendered now (`?format=thermal|letter` overrides
 * the default: roll for boletas, letter otherwise). Bearer token; owner or admin of that tenant.
 * Everything reads inside `withTenant`, so another tenant's document id is NOT_FOUND.
 */
export function registerDteDownloadRoutes(
  app: FastifyInstance,
  { orm, auth, renderer }: { orm: MikroORM; auth: AuthService; renderer: SharedPdfRenderer },
): void {
  async function tenantOf(request: FastifyRequest<DownloadRequest>) {
    const session = await auth.verify(bearer(request));
    const membership = (await auth.memberships(session.userId)).find(
      (m) => m.tenantSlug === request.params.tenantSlug,
    );
    if (!membership) throw new AppError('WRONG_TENANT');
    if (!DOWNLOAD_ROLES.includes(membership.role))
      throw AppError.forbidden('Solo el dueño o un administrador pueden descargar documentos tributarios.');
    if (!UUID.test(request.params.documentId)) throw AppError.notFound('el documento');
    return membership.tenantId;
  }

  app.get<DownloadRequest>('/api/t/:tenantSlug/dte/:documentId/xml', async (request, reply) => {
    const tenantId = await tenantOf(request);
    const document = await withTenant(orm, tenantId, (em) => signedDocument(em, request.params.documentId));
    return reply
      .header('content-type', 'application/xml; charset=ISO-8859-1')
      .header('content-disposition', `attachment; filename="DTE-${document.docType}-${document.folio}.xml"`)
      .send(Buffer.from(document.signedXml, 'latin1'));
  });

  app.get<DownloadRequest>('/api/t/:tenantSlug/dte/:documentId/pdf', async (request, reply) => {
    const tenantId = await tenantOf(request);
    const requested = request.query.format;
    if (requested !== undefined && !(FORMATS as readonly string[]).includes(requested)) {
      throw AppError.validation([{ path: ['format'], message: 'Formato: thermal o letter.' }]);
    }
    const { documentId } = request.params;
    const found = await withTenant(orm, tenantId, async (em) => {
      const document = await signedDocument(em, documentId);
      const format =
        (requested as (typeof FORMATS)[number] | undefined) ?? defaultPdfFormat(document.docType);
      return { document, format, stored: await storedPdf(em, documentId, format) };
    });
    const pdf = found.stored ?? (await renderSigned(renderer, found.document, found.format));
    const { docType, folio } = found.document;
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="DTE-${docType}-${folio}.pdf"`)
      .send(pdf);
  });
}
