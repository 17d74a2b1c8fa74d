/**
 * PDFs of signed documents, rendered by Chromium (puppeteer-core) from HTML templates. One
 * browser is launched and reused for every document: starting Chromium costs far more than a
 * page (docs/reliability.md#pdf-rendering).
 */

import { type ReadDocument, timbrePng, timbreSizeMm } from '@erp/sii-core';
import puppeteer, { type Browser } from 'puppeteer-core';
import { documentHtml, type PrintOptions } from './pdf-html.ts';

export type { PdfFormat, PrintOptions } from './pdf-html.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Printed timbre width: 54 mm on an 80 mm roll (2 cm from the left edge), 85 mm on letter. */
const TIMBRE_WIDTH_MM = { thermal: 54, letter: 85 } as const;

export class DtePdfRenderer {
  readonly #browser: Browser;

  private constructor(browser: Browser) {
    this.#browser = browser;
  }

  static async launch(executablePath: string = CHROMIUM_PATH): Promise<DtePdfRenderer> {
    // Over a pipe, Chromium exits when its parent does, even one killed with no chance to close
    // it (a crashed worker); with the default WebSocket it would linger for good.
    return new DtePdfRenderer(
      await puppeteer.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, pipe: true }),
    );
  }

  async render(doc: ReadDocument, options: PrintOptions): Promise<Buffer> {
    if (!doc.ted) throw new Error(`Document ${doc.id} has no TED to print`);
    const png = await timbrePng(doc.ted);
    const size = timbreSizeMm(png, TIMBRE_WIDTH_MM[options.format]);
    const html = documentHtml(doc, { png, widthMm: size.width, heightMm: size.height }, options);
    const page = await this.#browser.newPage();
    try {
      // The text comes from signed XML that may be foreign (the verifier prints any file): the
      // page runs no script and loads nothing but what is inline (the timbre is a data: URL).
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request) =>
        /^(data|about):/.test(request.url()) ? request.continue() : request.abort(),
      );
      await page.setContent(html, { waitUntil: 'load' });
      if (options.format === 'letter') {
        return Buffer.from(
          await page.pdf({ format: 'letter', printBackground: true, preferCSSPageSize: true }),
        );
      }
      // A roll has no page length: the page is as long as the content.
      const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
      return Buffer.from(await page.pdf({ width: '80mm', height: `${height + 2}px`, printBackground: true }));
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }
}
