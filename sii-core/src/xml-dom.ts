/**
 * Defensive parsing of XML received from outside (CAFs, envelopes, bare DTEs). SII documents
 * never carry a DOCTYPE, so any DTD is refused outright: no external entities (XXE), no entity
 * expansion ("billion laughs").
 */
import { DOMParser, type Document, type Element, onErrorStopParsing } from '@xmldom/xmldom';
import { DteError } from './errors.ts';

export function parseXml(text: string, what: string): Document {
  refuseDtd(text, what);
  try {
    return new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new DteError(
      'VALIDATION',
      `${what}: el XML está mal formado (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

export function refuseDtd(text: string, what: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new DteError('VALIDATION', `${what}: no se aceptan declaraciones DOCTYPE ni entidades en el XML`);
  }
}

/**
 * Decodes XML bytes following their declaration. Without one the XML rules say UTF-8, but CAF
 * files declare nothing and are ISO-8859-1, so bytes that are not valid UTF-8 fall back to it.
 */
export function decodeXml(bytes: Uint8Array): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(
    Buffer.from(bytes.subarray(0, 200)).toString('latin1'),
  );
  const encoding = declared?.[1]?.toLowerCase();
  if (encoding === 'iso-8859-1' || encoding === 'latin1') return Buffer.from(bytes).toString('latin1');
  if (encoding && encoding !== 'utf-8' && encoding !== 'utf8') return new TextDecoder(encoding).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

export function childElements(parent: Element): Element[] {
  const result: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) result.push(node as Element);
  }
  return result;
}

export function childElement(parent: Element, localName: string): Element | undefined {
  return childElements(parent).find((el) => el.localName === localName);
}

export function childText(parent: Element, localName: string): string | undefined {
  return childElement(parent, localName)?.textContent ?? undefined;
}

/** Text of a nested path (`childPath(doc, ['Encabezado', 'IdDoc', 'Folio'])`). */
export function pathText(parent: Element, path: readonly string[]): string | undefined {
  let current: Element | undefined = parent;
  for (const name of path) current = current && childElement(current, name);
  return current?.textContent ?? undefined;
}
