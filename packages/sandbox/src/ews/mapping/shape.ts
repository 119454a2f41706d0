// Response shapes: IdOnly / Default / AllProperties plus AdditionalProperties. Each mapper
// lists an item's properties in schema order, tagged with their field URI; the shape picks.

import { EwsFault } from '../errors.ts';
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, type SupportedVersion } from '../versions.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import type { WriteOptions } from './common.ts';
import { type ExtendedPath, readExtendedPath } from './extended.ts';

export interface Prop {
  uri: string;
  xml: string;
  /** Part of the Default shape. */
  dflt?: boolean;
  /** A dictionary property (EmailAddresses, PhoneNumbers, …) whose entries can be asked for one by one. */
  indexed?: { wrapper: string; entries: Array<{ key: string; xml: string }> };
  /** The item's extended properties the shape named; written whatever the base shape. */
  extended?: boolean;
  /** Left out of AllProperties: written only when AdditionalProperties names it (as Exchange). */
  explicit?: boolean;
}

export type BaseShape = 'IdOnly' | 'Default' | 'AllProperties';

/**
 * Properties that came with a later Exchange than the oldest RequestServerVersion: a request
 * made for an older version gets the answer in that version's shape, without them.
 */
const INTRODUCED_IN: Record<string, SupportedVersion> = {
  'item:ConversationId': 'Exchange2010',
  'item:UniqueBody': 'Exchange2010',
  'item:Preview': 'Exchange2013',
  'item:TextBody': 'Exchange2013',
};

function knownTo(uri: string, version: SupportedVersion | undefined): boolean {
  const since = INTRODUCED_IN[uri];
  return !since || !version || SUPPORTED_VERSIONS.indexOf(version) >= SUPPORTED_VERSIONS.indexOf(since);
}

export interface Shape extends WriteOptions {
  /** RequestServerVersion of the request; properties newer than it are left out. */
  version?: SupportedVersion;
  base: BaseShape;
  includeMimeContent: boolean;
  additional: Set<string>;
  /** Collection URI → requested entry keys. */
  indexed: Map<string, Set<string>>;
}

/** IndexedFieldURI values → the collection property that holds the entries. */
const INDEXED_COLLECTION: Record<string, string> = {
  'contacts:EmailAddress': 'contacts:EmailAddresses',
  'contacts:PhoneNumber': 'contacts:PhoneNumbers',
  'contacts:PhysicalAddress:Street': 'contacts:PhysicalAddresses',
  'contacts:PhysicalAddress:City': 'contacts:PhysicalAddresses',
  'contacts:PhysicalAddress:State': 'contacts:PhysicalAddresses',
  'contacts:PhysicalAddress:CountryOrRegion': 'contacts:PhysicalAddresses',
  'contacts:PhysicalAddress:PostalCode': 'contacts:PhysicalAddresses',
  'contacts:ImAddress': 'contacts:ImAddresses',
};

export function collectionForIndexedUri(uri: string): string | undefined {
  return INDEXED_COLLECTION[uri];
}

export function readShape(
  shapeEl: XElement | undefined,
  precision: WriteOptions['precision'],
  version: SupportedVersion = DEFAULT_VERSION,
): Shape {
  const base = childText(shapeEl, 'BaseShape') as BaseShape | undefined;
  if (base !== 'IdOnly' && base !== 'Default' && base !== 'AllProperties') {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `BaseShape must be IdOnly, Default or AllProperties, not "${base ?? ''}".`,
    );
  }
  const bodyType = (childText(shapeEl, 'BodyType') ?? 'Best') as Shape['bodyType'];
  const additional = new Set<string>();
  const indexed = new Map<string, Set<string>>();
  const extended: ExtendedPath[] = [];
  for (const p of childElements(childElement(shapeEl, 'AdditionalProperties'))) {
    if (p.name === 'ExtendedFieldURI') {
      extended.push(readExtendedPath(p));
      continue;
    }
    const uri = p.attrs.FieldURI;
    if (!uri) continue;
    if (p.name === 'FieldURI') additional.add(uri);
    else if (p.name === 'IndexedFieldURI') {
      const collection = INDEXED_COLLECTION[uri] ?? uri;
      const keys = indexed.get(collection) ?? new Set<string>();
      indexed.set(collection, keys);
      keys.add(p.attrs.FieldIndex ?? '');
    }
  }
  return {
    base,
    additional,
    indexed,
    bodyType: ['HTML', 'Text'].includes(bodyType) ? bodyType : 'Best',
    precision,
    includeMimeContent: childText(shapeEl, 'IncludeMimeContent') === 'true',
    filterHtml: childText(shapeEl, 'FilterHtmlContent') === 'true',
    extended,
    version,
  };
}

export function idOnlyShape(precision: WriteOptions['precision'] = 'Seconds'): Shape {
  return {
    base: 'IdOnly',
    additional: new Set(),
    indexed: new Map(),
    bodyType: 'Best',
    precision,
    includeMimeContent: false,
  };
}

export function allPropertiesShape(precision: WriteOptions['precision'] = 'Seconds'): Shape {
  return {
    base: 'AllProperties',
    additional: new Set(),
    indexed: new Map(),
    bodyType: 'Best',
    precision,
    includeMimeContent: false,
  };
}

/** The properties the shape asks for, in the order the mapper listed them (schema order). */
export function selectProps(props: Prop[], shape: Shape): string {
  let out = '';
  for (const p of props) {
    if (!knownTo(p.uri, shape.version)) continue;
    if (p.extended) {
      out += p.xml;
      continue;
    }
    const whole =
      p.uri === 'item:ItemId' ||
      (shape.base === 'AllProperties' && !p.explicit) ||
      (shape.base === 'Default' && p.dflt === true && !p.explicit) ||
      shape.additional.has(p.uri);
    if (whole) {
      out += p.xml;
      continue;
    }
    const keys = shape.indexed.get(p.uri);
    if (keys && p.indexed) {
      const entries = p.indexed.entries.filter((e) => keys.has(e.key));
      if (entries.length > 0)
        out += `<${p.indexed.wrapper}>${entries.map((e) => e.xml).join('')}</${p.indexed.wrapper}>`;
    }
  }
  return out;
}
