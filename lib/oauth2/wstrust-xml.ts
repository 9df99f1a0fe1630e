/**
 * XML plumbing shared by the MEX and WS-Trust modules: strict parsing of
 * untrusted replies, namespace-agnostic navigation, and escaping for the
 * envelopes we build.
 */
import { InvalidArgumentError, MalformedResponseError } from '../errors.js';
import { fastXmlParser } from './lazy-dependencies.js';

/** A parsed element: child local names map to arrays, attributes are `@_name`, text is `#text`. */
export type XmlElement = { readonly [key: string]: unknown };

const ATTR = '@_';

/**
 * Parses a server reply. Element names lose their namespace prefixes because
 * servers pick prefixes freely; only local names are compared.
 * `rawElements` names elements whose inner XML must be kept byte for byte
 * (a signed SAML assertion breaks if it is re-serialized).
 */
export function parseXml(
  body: string,
  what: string,
  options: { status?: number | undefined; rawElements?: string[] | undefined } = {},
): XmlElement {
  const fail = (reason: string): never => {
    throw new MalformedResponseError(`${what} is not usable XML: ${reason}`, { status: options.status, body });
  };
  // SOAP forbids DTDs, and none of these documents needs one; refusing them
  // shuts out entity-expansion tricks whatever the parser's own limits are.
  if (/<!DOCTYPE/i.test(body)) fail('a document type declaration is not allowed');
  if (body.trim() === '') fail('the body is empty');
  const { XMLParser, XMLValidator } = fastXmlParser();
  const valid = XMLValidator.validate(body);
  if (valid !== true) fail(valid.err.msg);
  const parser = new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    stopNodes: (options.rawElements ?? []).map((name) => `*.${name}`),
    // fast-xml-parser 5 decodes numeric character references (&#13;) only
    // with this switch; it also admits HTML entity names, harmless here.
    htmlEntities: true,
  });
  try {
    return parser.parse(body) as XmlElement;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/** Child elements with the given local name (text-only children come back as strings). */
export function children(node: unknown, name: string): unknown[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as XmlElement)[name];
  return Array.isArray(value) ? value : [];
}

/** The first element reached by following local names; undefined when any step is missing. */
export function path(node: unknown, ...names: string[]): unknown {
  let current: unknown = node;
  for (const name of names) {
    current = children(current, name)[0];
    if (current === undefined) return undefined;
  }
  return current;
}

/** Every element below `node` (at any depth) with the given local name. */
export function descendants(node: unknown, name: string): unknown[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: unknown[] = [];
  for (const [key, value] of Object.entries(node as XmlElement)) {
    if (!Array.isArray(value)) continue;
    if (key === name) found.push(...value);
    for (const item of value) found.push(...descendants(item, name));
  }
  return found;
}

/** The text content of an element, trimmed; undefined when it has none. */
export function textOf(node: unknown): string | undefined {
  const raw = typeof node === 'string' ? node : (node as XmlElement | undefined)?.['#text'];
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function attributeOf(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlElement)[`${ATTR}${name}`];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Escapes text for element content and for attribute values in either quote style.
 * Carriage returns become a character reference because XML parsers would
 * otherwise fold them into line feeds and change a password.
 */
export function escapeXml(text: string): string {
  if (NOT_XML_CHAR.test(text)) {
    throw new InvalidArgumentError('The value holds a character that XML 1.0 cannot carry');
  }
  return text.replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

// Complement of the XML 1.0 Char production (lone surrogates included).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
