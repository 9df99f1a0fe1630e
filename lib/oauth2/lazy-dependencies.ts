/**
 * Dependencies that only one rarely used flow needs — node-forge for PFX certificates,
 * fast-xml-parser for WS-Trust — loaded on that flow's first use, so that importing the
 * library does not pay for them. Both are (or ship) CommonJS, so a synchronous require
 * keeps their callers synchronous in both the ESM and the CJS build.
 */
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import type Forge from 'node-forge';

const requireHere = createRequire(import.meta.url);

let forge: typeof Forge | undefined;
let fastXml: typeof FastXmlParser | undefined;

/** node-forge, loaded on first call. */
export function nodeForge(): typeof Forge {
  return (forge ??= requireHere('node-forge') as typeof Forge);
}

/** fast-xml-parser, loaded on first call. */
export function fastXmlParser(): typeof FastXmlParser {
  return (fastXml ??= requireHere('fast-xml-parser') as typeof FastXmlParser);
}
