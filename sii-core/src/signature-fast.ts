/**
 * A fast, string-level check of an enveloped XMLDSig signature in the SII profile: the envelope's
 * (over `SetDTE`) and each DTE's (over `Documento`), for a load test's SII stand-in
 * (`VerifyOptions.fastSignatures`, the simulator's `light` mode).
 *
 * The generic check (xml-crypto) parses the file, finds the referenced `ID` with an XPath over
 * every element and canonicalizes the element: about 3 ms of CPU per boleta of a full
 * EnvioBOLETA for the envelope's signature, and 10 to 20 ms for each DTE's. Here the referenced
 * element is digested as it stands in the text, with the namespace declarations inclusive C14N
 * puts on its apex and the superfluous ones inside dropped, and the SignedInfo likewise, after
 * refusing every construct whose canonical form differs from its text (self-closing tags, CR,
 * comments, processing instructions, character references, entity-escaped quotes, odd spacing
 * inside tags). The RSA signature and the digest are checked for real.
 *
 * It only ever says "valid": when anything is unusual (another SignedInfo profile, the element
 * twice, a digest or signature that does not match) the caller runs the generic check, so a
 * refusal and its message are the same as without it. What it cannot see is a signer that
 * digested non-canonical text of a kind it does not refuse (attributes out of canonical order):
 * that is what the generic check is for (the simulator's `full` mode and every test, a sample of
 * the documents in `light` mode, and xmlsec1 in the tests).
 */
import { createHash, verify } from 'node:crypto';
import { rsaPublicKey } from './caf.ts';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/** The SII profile's SignedInfo as the text of the file (canonical as written). */
const SIGNED_INFO = new RegExp(
  `^<SignedInfo><CanonicalizationMethod Algorithm="${esc(C14N)}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${esc(DSIG)}rsa-sha1"></SignatureMethod>` +
    `<Reference URI="#([A-Za-z_][\\w.-]*)"><Transforms><Transform Algorithm="${esc(C14N)}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${esc(DSIG)}sha1"></DigestMethod><DigestValue>([A-Za-z0-9+/=\\s]+)</DigestValue></Reference></SignedInfo>`,
);

/**
 * Text whose canonical form may differ from itself: `/>`, CR, comments/CDATA/DOCTYPE,
 * processing instructions, character references, `&quot;`/`&apos;` (C14N writes the characters in
 * text), and start tags with single-quoted attributes or spacing other than one space between
 * attributes.
 */
const NOT_CANONICAL = /\/>|\r|<!|<\?|&#|&quot;|&apos;|<[A-Za-z][^>]*?(?:\s\s|[\t\n]|\s>|\s=|=\s|=')/;

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The `xmlns` / `xmlns:p` declarations of a start tag's attribute text, by prefix ('' for the default). */
function namespaceDeclarations(attributes: string): Map<string, string> {
  const declared = new Map<string, string>();
  for (const m of attributes.matchAll(/\sxmlns(?::([\w.-]+))?="([^"]*)"/g)) declared.set(m[1] ?? '', m[2]!);
  return declared;
}

/** Namespace declarations in C14N order: the default first, then by prefix. */
function renderDeclarations(declared: Map<string, string>): string {
  return [...declared]
    .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([prefix, uri]) => (prefix ? ` xmlns:${prefix}="${uri}"` : ` xmlns="${uri}"`))
    .join('');
}

/**
 * True when the signature that is the last child of the text's root (`rootName`: EnvioDTE or
 * EnvioBOLETA with `SetDTE` referenced, or DTE with `Documento`) is proven valid by the fast path;
 * false means "not proven": run the generic check.
 */
export function signatureValidFast(
  text: string,
  rootName: 'EnvioDTE' | 'EnvioBOLETA' | 'DTE',
  referencedName: 'SetDTE' | 'Documento',
): boolean {
  const rootStart = new RegExp(`<${rootName}(\\s[^>]*)?>`).exec(text);
  if (!rootStart) return false;
  const inScope = namespaceDeclarations(rootStart[1] ?? '');
  if (inScope.get('') === undefined) return false;

  // The signature: the root's last child.
  const signatureStart = text.lastIndexOf(`<Signature xmlns="${DSIG}">`);
  const signatureEnd = text.lastIndexOf('</Signature>');
  if (signatureStart < 0 || signatureEnd < signatureStart) return false;
  if (text.slice(signatureEnd + '</Signature>'.length).trim() !== `</${rootName}>`) return false;
  const signature = text.slice(signatureStart, signatureEnd);
  const signedInfoEnd = signature.indexOf('</SignedInfo>') + '</SignedInfo>'.length;
  const signedInfo = signature.slice(signature.indexOf('<SignedInfo>'), signedInfoEnd);
  const profile = SIGNED_INFO.exec(signedInfo);
  if (!profile) return false;
  const [, id, digest] = profile;

  // The key, as the generic check takes it: RSAKeyValue.
  const modulus = /<Modulus>([^<]*)<\/Modulus>/.exec(signature)?.[1];
  const exponent = /<Exponent>([^<]*)<\/Exponent>/.exec(signature)?.[1];
  const value = /<SignatureValue>([^<]*)<\/SignatureValue>/.exec(signature)?.[1];
  if (!modulus || !exponent || !value) return false;

  // SignedInfo's apex carries every namespace in scope: dsig as default, the root's prefixed ones.
  const signedInfoScope = new Map(inScope);
  signedInfoScope.set('', DSIG);
  const canonicalSignedInfo = `<SignedInfo${renderDeclarations(signedInfoScope)}>${signedInfo.slice('<SignedInfo>'.length)}`;
  let key: ReturnType<typeof rsaPublicKey>;
  try {
    key = rsaPublicKey(modulus.replace(/\s+/g, ''), exponent.trim());
  } catch {
    return false;
  }
  const signedOk = verify(
    'RSA-SHA1',
    Buffer.from(canonicalSignedInfo, 'utf8'),
    key,
    Buffer.from(value.replace(/\s+/g, ''), 'base64'),
  );
  if (!signedOk) return false;

  // The referenced element: exactly one, carrying only its ID.
  const startTag = `<${referencedName} ID="${id}">`;
  const endTag = `</${referencedName}>`;
  const start = text.indexOf(startTag);
  const end = text.indexOf(endTag);
  if (start < 0 || end < start) return false;
  if (text.indexOf(`<${referencedName}`, start + 1) >= 0 || text.indexOf(endTag, end + 1) >= 0) return false;
  const inner = text.slice(start + startTag.length, end);
  if (NOT_CANONICAL.test(inner)) return false;
  // Declarations repeating what the element has in scope are superfluous: C14N drops them.
  let canonicalInner = inner;
  for (const [prefix, uri] of inScope) {
    canonicalInner = canonicalInner.replaceAll(prefix ? ` xmlns:${prefix}="${uri}"` : ` xmlns="${uri}"`, '');
  }
  const canonical = `<${referencedName}${renderDeclarations(inScope)} ID="${id}">${canonicalInner}${endTag}`;
  const actual = createHash('sha1').update(canonical, 'utf8').digest('base64');
  return actual === digest!.replace(/\s+/g, '');
}
