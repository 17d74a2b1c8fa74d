/**
 * Facturas e-mailed to their buyer, end to end on real parts: a factura rung through the till's
 * socket, signed by the in-process worker (relay, BullMQ), mailed with nodemailer through the
 * company's SMTP settings to a local SMTP server (`smtp-server`) that this file starts and reads
 * back with `mailparser`. The XML attachment must validate against the SII's EnvioDTE schema
 * (xmllint) with its signatures verifying (xmlsec1), the PDF must open (pdftotext). The server
 * refuses once (retried with backoff), refuses for good (failed, then "reenviar"), and a repeated
 * job mails nothing. SMTP settings stay within their company.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import { run, writeStandalone, xmllintSchema, xmlsecVerify } from '@erp/sii-core/testing';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../test/harness.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { startTestPipeline, type TestPipeline } from '../../test/sii-pipeline.ts';
import { waitUntil } from '../../test/wait.ts';
import { withTenant } from '../platform/orm.ts';
import { storeCertificate } from './certificate.store.ts';

const SMTP_USER = 'facturacion@minimarket.cl';
const SMTP_PASSWORD = 'clave-smtp-Ñ-9x';
const PFX_PASSWORD = 'clave-del-pfx-mail';
const dir = mkdtempSync(join(tmpdir(), 'dte-mail-'));

/** What the local SMTP server received, and how it should answer the next messages. */
const inbox: { to: string[]; mail: ParsedMail; raw: Buffer }[] = [];
const smtp = { refuseNext: 0, refuseAll: false, refused: 0, logins: [] as string[] };
let smtpServer: SMTPServer;
let smtpPort: number;

const shop = useSellingFixture({
  label: 'mail',
  others: ['mail-other'],
  stock: '1000',
  stocked: [1, 3],
  cafs: [[33, 1, 50]],
});
let backoffice: TestClient;
let otherBackoffice: TestClient;
let pipeline: TestPipeline;

async function query<T>(sql: string, params: unknown[] = [], tenantId = shop.tenant.tenantId): Promise<T[]> {
  return withTenant(shop.server.orm, tenantId, (em) => em.execute<T[]>(sql, params));
}

function startSmtp(): Promise<number> {
  smtpServer = new SMTPServer({
    // Plain SMTP on loopback with a login: the password must reach it opened from its seal.
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      smtp.logins.push(`${auth.username}:${auth.password}`);
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        callback(null, { user: auth.username });
      else callback(new Error('Credenciales inválidas'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (smtp.refuseAll || smtp.refuseNext > 0) {
          smtp.refuseNext = Math.max(0, smtp.refuseNext - 1);
          smtp.refused++;
          const refusal = Object.assign(new Error('Buzón no disponible, intente más tarde'), {
            responseCode: 451,
          });
          callback(refusal);
          return;
        }
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((mail) => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), mail, raw });
          callback();
        }, callback);
      });
    },
  });
  return new Promise((resolve, reject) => {
    smtpServer.once('error', reject);
    smtpServer.listen(0, '127.0.0.1', () => {
      resolve((smtpServer.server.address() as { port: number }).port);
    });
  });
}

const CUSTOMER = {
  rut: '77123456-9',
  razonSocial: 'Botillería Ñuñoa Ltda.',
  giro: 'Botillería',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
};

async function sellFactura(email: string) {
  const answer = await shop.till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    docType: 33,
    customer: { ...CUSTOMER, rut: `${randomRut()}`, email },
    lines: [
      { productId: shop.products[1]!.id, quantity: '2', unitPrice: 1190 },
      { productId: shop.products[3]!.id, quantity: '1', unitPrice: 3590 },
    ],
    payments: [{ method: 'cash', tendered: 10000 }],
  });
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

/** A valid RUT for each buyer (a RUT already registered is taken as stored, e-mail included). */
let rutSeed = 20_000_000 + Math.floor(Math.random() * 1_000_000);
function randomRut(): string {
  const body = String(rutSeed++);
  let sum = 0;
  let factor = 2;
  for (const digit of [...body].reverse()) {
    sum += Number(digit) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const dv = 11 - (sum % 11);
  return `${body}-${dv === 11 ? '0' : dv === 10 ? 'K' : dv}`;
}

async function documentId(saleId: string): Promise<string> {
  return waitUntil(
    'the signed document',
    async () => {
      const [row] = await query<{ id: string }>(
        `select id from dte_document where sale_id = ? and state <> 'stamped'`,
        [saleId],
      );
      return row?.id;
    },
    30_000,
    100,
  );
}

async function mailRow(docId: string) {
  const [row] = await query<{ state: string; attempts: number; last_error: string | null; address: string }>(
    'select state, attempts, last_error, address from dte_mail where document_id = ?',
    [docId],
  );
  return row;
}

const messagesTo = (address: string) => inbox.filter((m) => m.to.includes(address));

beforeAll(async () => {
  smtpPort = await startSmtp();
  const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Prueba', password: PFX_PASSWORD });
  await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
    storeCertificate(em, shop.server.secrets, shop.tenant.tenantId, pfx, PFX_PASSWORD),
  );
  backoffice = await shop.signIn(shop.tenant, shop.tenant.emails.admin, { screen: 'backoffice' });
  otherBackoffice = await shop.signIn(shop.tenants[1]!, shop.tenants[1]!.emails.admin, {
    screen: 'backoffice',
  });
  pipeline = await startTestPipeline([shop.tenant.tenantId]);
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await new Promise<void>((resolve) => (smtpServer ? smtpServer.close(() => resolve()) : resolve()));
});

describe('facturas e-mailed to the buyer', () => {
  it("keeps each company's SMTP server to itself, the password sealed and never read back", async () => {
    expect(await backoffice.emitWithAck('mail:settings', {})).toEqual({ ok: true, data: { settings: null } });
    const saved = await backoffice.emitWithAck('mail:save-settings', {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      user: SMTP_USER,
      password: SMTP_PASSWORD,
      fromAddress: 'Facturacion@Minimarket.cl',
    });
    const view = {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      user: SMTP_USER,
      hasPassword: true,
      fromAddress: 'facturacion@minimarket.cl',
    };
    expect(saved).toEqual({ ok: true, data: view });
    expect(await backoffice.emitWithAck('mail:settings', {})).toEqual({ ok: true, data: { settings: view } });
    const [row] = await query<{ password_sealed: string }>('select password_sealed from tenant_smtp');
    expect(row!.password_sealed).toMatch(/^v1:/);
    expect(row!.password_sealed).not.toContain('clave');

    // The other company sees none, and saving its own leaves this one's untouched.
    const otherId = shop.tenants[1]!.tenantId;
    expect(await otherBackoffice.emitWithAck('mail:settings', {})).toEqual({
      ok: true,
      data: { settings: null },
    });
    expect(await query('select id from tenant_smtp', [], otherId)).toEqual([]);
    const otherSaved = await otherBackoffice.emitWithAck('mail:save-settings', {
      host: 'smtp.otra.cl',
      port: 587,
      secure: false,
      user: null,
      fromAddress: 'ventas@otra.cl',
    });
    expect(otherSaved).toMatchObject({ ok: true, data: { host: 'smtp.otra.cl', hasPassword: false } });
    expect(await backoffice.emitWithAck('mail:settings', {})).toEqual({ ok: true, data: { settings: view } });
    // A sealed password moved to another company's row does not open there.
    await withTenant(shop.server.orm, otherId, (em) =>
      em.execute('update tenant_smtp set password_sealed = ?', [row!.password_sealed]),
    );
    expect(() => shop.server.secrets.open(row!.password_sealed, otherId)).toThrow();

    // Saving without a password keeps the stored one; a cashier may not read the settings.
    const { hasPassword: _h, ...input } = view;
    expect(await backoffice.emitWithAck('mail:save-settings', input)).toEqual({ ok: true, data: view });
    expect(await shop.till.socket.emitWithAck('mail:settings', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('mails the signed EnvioDTE and the PDF once, after the SMTP server refused the first try', async () => {
    const pushed: { documentId: string; mails: { state: string; attempts: number }[] }[] = [];
    backoffice.on('dte:mail', (news) => pushed.push(news));
    smtp.refuseNext = 1;
    const refusedBefore = smtp.refused;
    const sale = await sellFactura('Compras@Botilleria.cl');
    const docId = await documentId(sale.saleId);
    await waitUntil('the mail', () => messagesTo('compras@botilleria.cl').length > 0, 30_000, 100);
    expect(smtp.refused).toBe(refusedBefore + 1);
    expect(smtp.logins.at(-1)).toBe(`${SMTP_USER}:${SMTP_PASSWORD}`);
    await waitUntil(
      'the mail marked sent',
      async () => (await mailRow(docId))?.state === 'sent',
      10_000,
      100,
    );
    expect(await mailRow(docId)).toMatchObject({ state: 'sent', attempts: 2, last_error: null });
    // The back office heard the refusal and then the delivery, live.
    await waitUntil(
      'the pushed states',
      () => pushed.filter((p) => p.documentId === docId).length >= 2,
      10_000,
      50,
    );
    expect(
      pushed.filter((p) => p.documentId === docId).map((p) => p.mails.map((m) => [m.state, m.attempts])),
    ).toEqual([[['pending', 1]], [['sent', 2]]]);

    const [{ mail }] = messagesTo('compras@botilleria.cl') as [(typeof inbox)[number]];
    expect(mail.subject).toMatch(
      new RegExp(`^FACTURA ELECTRÓNICA N° ${sale.folio} de .+ \\(R\\.U\\.T\\. 76\\.192\\.083-9\\)$`),
    );
    expect(mail.from?.value).toEqual([{ address: 'facturacion@minimarket.cl', name: '' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([
      { address: 'compras@botilleria.cl', name: '' },
    ]);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`DTE_76192083-9_T33_F${sale.folio}.xml`, 'application/xml'],
      [`DTE_76192083-9_T33_F${sale.folio}.pdf`, 'application/pdf'],
    ]);

    // The XML: an EnvioDTE for the buyer, valid against the SII schema, every signature good.
    const xml = mail.attachments[0]!.content;
    const file = join(dir, `envio-${sale.folio}.xml`);
    writeFileSync(file, xml);
    const valid = xmllintSchema(file, 'EnvioDTE_v10.xsd');
    expect(valid.output).toContain('validates');
    expect(valid.status).toBe(0);
    const text = xml.toString('latin1');
    expect(text).toMatch(/<RutReceptor>\d+-[\dK]<\/RutReceptor><FchResol>/);
    const buyerRut = /<RUTRecep>([^<]+)<\/RUTRecep>/.exec(text)![1];
    expect(text).toContain(`<RutReceptor>${buyerRut}</RutReceptor>`);
    expect(text).toContain(`<Folio>${sale.folio}</Folio>`);
    const cut = join(dir, `dte-${sale.folio}.xml`);
    writeStandalone(cut, /<DTE [\s\S]*<\/DTE>/.exec(text)![0]);
    for (const verified of [
      xmlsecVerify(file),
      xmlsecVerify(file, "(//*[local-name()='Signature'])[1]"),
      xmlsecVerify(cut),
    ]) {
      expect(verified.output).toMatch(/^OK/m);
      expect(verified.status).toBe(0);
    }
    // The document is the one the SII gets: the same signed DTE, byte for byte.
    const [stored] = await query<{ signed_xml: string }>('select signed_xml from dte_document where id = ?', [
      docId,
    ]);
    expect(text).toContain(stored!.signed_xml.slice(stored!.signed_xml.indexOf('<Documento')));

    // The PDF opens and shows the folio and the total.
    const pdfFile = join(dir, `dte-${sale.folio}.pdf`);
    writeFileSync(pdfFile, mail.attachments[1]!.content);
    const pdf = run('pdftotext', [pdfFile, '-']);
    expect(pdf.status).toBe(0);
    const pdfText = pdf.output.replace(/\s+/g, ' ');
    expect(pdfText).toContain(`${sale.folio}`);
    expect(pdfText).toContain('FACTURA ELECTRÓNICA');
    // Net 2 × 1000, IVA 380, exento 3590.
    expect(sale.total).toBe(5970);
    expect(pdfText).toContain('5.970');

    // The back office lists the mail on the document.
    const listed = await backoffice.emitWithAck('dte:list', { folio: sale.folio, docType: 33 });
    expect(listed.ok && listed.data.items[0]!.mails).toEqual([
      expect.objectContaining({
        address: 'compras@botilleria.cl',
        state: 'sent',
        attempts: 2,
        lastError: null,
      }),
    ]);

    // The same job again (BullMQ runs a job at least once) mails nothing more.
    const [mailId] = await query<{ id: string; generation: number }>(
      'select id, generation from dte_mail where document_id = ?',
      [docId],
    );
    const queue = pipeline.worker.deps.queues.mail;
    const repeat = await queue.add(
      'mail',
      { tenantId: shop.tenant.tenantId, mailId: mailId!.id, generation: mailId!.generation },
      { jobId: `repeat-${randomUUID()}`, attempts: 1 },
    );
    await waitUntil(
      'the repeated job',
      async () => (await repeat.isCompleted()) || (await repeat.isFailed()),
      15_000,
      100,
    );
    expect(await repeat.isCompleted()).toBe(true);
    expect(messagesTo('compras@botilleria.cl')).toHaveLength(1);
    expect(await mailRow(docId)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await backoffice.emitWithAck('dte:resend-mail', { documentId: docId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('shows a mail the server kept refusing as failed, and "reenviar" sends it', async () => {
    smtp.refuseAll = true;
    const sale = await sellFactura('pagos@botilleria.cl');
    const docId = await documentId(sale.saleId);
    await waitUntil('the mail to fail', async () => (await mailRow(docId))?.state === 'failed', 40_000, 200);
    const failed = await mailRow(docId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 6 });
    expect(failed!.last_error).toContain('Buzón no disponible');
    expect(messagesTo('pagos@botilleria.cl')).toEqual([]);
    const listed = await backoffice.emitWithAck('dte:list', { folio: sale.folio, docType: 33 });
    expect(listed.ok && listed.data.items[0]!.mails).toEqual([
      expect.objectContaining({ address: 'pagos@botilleria.cl', state: 'failed', attempts: 6 }),
    ]);
    // Another company cannot resend this company's document.
    expect(await otherBackoffice.emitWithAck('dte:resend-mail', { documentId: docId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    smtp.refuseAll = false;
    const resent = await backoffice.emitWithAck('dte:resend-mail', { documentId: docId });
    expect(resent).toMatchObject({
      ok: true,
      data: { mails: [{ address: 'pagos@botilleria.cl', state: 'pending', attempts: 0, lastError: null }] },
    });
    await waitUntil('the resent mail', () => messagesTo('pagos@botilleria.cl').length > 0, 30_000, 100);
    await waitUntil(
      'the mail marked sent',
      async () => (await mailRow(docId))?.state === 'sent',
      10_000,
      100,
    );
    expect(await mailRow(docId)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(messagesTo('pagos@botilleria.cl')).toHaveLength(1);
  });

  it('rebuilds from PostgreSQL a mail whose job the queue lost (worker recovery)', async () => {
    const sale = await sellFactura('bodega@botilleria.cl');
    const docId = await documentId(sale.saleId);
    await waitUntil('the first mail', () => messagesTo('bodega@botilleria.cl').length > 0, 30_000, 100);
    // As if Redis came back empty: a pending mail relayed to a queue that no longer has its job.
    const mailId = randomUUID();
    await query(
      `insert into dte_mail (id, tenant_id, document_id, address) values (?, current_tenant_id(), ?, 'recepcion@botilleria.cl')`,
      [mailId, docId],
    );
    await query(
      `insert into outbox (tenant_id, topic, key, payload, processed_at)
       values (current_tenant_id(), 'dte.mail', ?, ?::jsonb, now())`,
      [`mail-${mailId}-1`, JSON.stringify({ mailId, generation: 1 })],
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(messagesTo('recepcion@botilleria.cl')).toEqual([]);
    pipeline.worker.relay.recover();
    await waitUntil(
      'the recovered mail',
      () => messagesTo('recepcion@botilleria.cl').length > 0,
      30_000,
      100,
    );
    await waitUntil(
      'the recovered mail marked sent',
      async () => {
        const [row] = await query<{ state: string }>('select state from dte_mail where id = ?', [mailId]);
        return row?.state === 'sent';
      },
      10_000,
      100,
    );
    expect(messagesTo('bodega@botilleria.cl')).toHaveLength(1);
  });
});
