// Extended MAPI properties (ExtendedFieldURI): read from requests, kept on the item, written
// back when a shape asks for them, and matched in restrictions.

import type { ExtendedProperty } from '../../model.ts';
import { EwsError } from '../errors.ts';
import { childElement, childElements, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';

/** DistinguishedPropertySetId → its GUID ([MS-OXPROPS] property sets). */
const DISTINGUISHED_SETS: Record<string, string> = {
  Meeting: '6ed8da90-450b-101b-98da-00aa003f1305',
  Appointment: '00062002-0000-0000-c000-000000000046',
  Common: '00062008-0000-0000-c000-000000000046',
  PublicStrings: '00020329-0000-0000-c000-000000000046',
  Address: '00062004-0000-0000-c000-000000000046',
  InternetHeaders: '00020386-0000-0000-c000-000000000046',
  CalendarAssistant: '11000e07-b51b-40d6-af21-caa85edab1d0',
  UnifiedMessaging: '4442858e-a9e3-4e80-b900-317a210cc15b',
  Task: '00062003-0000-0000-c000-000000000046',
  Sharing: '00062040-0000-0000-c000-000000000046',
};

/** A property as a path names it (no values). */
export type ExtendedPath = Omit<ExtendedProperty, 'values'> & { attrs: Record<string, string> };

export function readExtendedPath(uri: XElement): ExtendedPath {
  const a = uri.attrs;
  const type = a.PropertyType;
  if (!type) throw new EwsError('ErrorInvalidExtendedProperty', 'ExtendedFieldURI needs a PropertyType.');
  const path: ExtendedPath = { type, attrs: { ...a } };
  if (a.PropertyTag !== undefined) {
    const tag = a.PropertyTag.toLowerCase().startsWith('0x')
      ? Number.parseInt(a.PropertyTag, 16)
      : Number(a.PropertyTag);
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) {
      throw new EwsError(
        'ErrorInvalidExtendedProperty',
        `PropertyTag "${a.PropertyTag}" is not a property id (0x0001–0xFFFF).`,
      );
    }
    path.tag = tag;
    return path;
  }
  const set =
    a.PropertySetId?.toLowerCase() ??
    (a.DistinguishedPropertySetId ? DISTINGUISHED_SETS[a.DistinguishedPropertySetId] : undefined);
  if (!set) {
    throw new EwsError(
      'ErrorInvalidExtendedProperty',
      'ExtendedFieldURI needs a PropertyTag, or a PropertySetId or DistinguishedPropertySetId with a PropertyName or PropertyId.',
    );
  }
  path.propertySetId = set;
  if (a.PropertyName !== undefined) path.name = a.PropertyName;
  else if (a.PropertyId !== undefined && Number.isInteger(Number(a.PropertyId)))
    path.id = Number(a.PropertyId);
  else
    throw new EwsError(
      'ErrorInvalidExtendedProperty',
      'A property set needs a PropertyName or a PropertyId.',
    );
  return path;
}

/** Whether a stored property is the one a path names (the type is part of the identity, as in MAPI). */
export function samePath(p: Omit<ExtendedProperty, 'values'>, q: Omit<ExtendedProperty, 'values'>): boolean {
  if (p.type !== q.type) return false;
  if (p.tag !== undefined || q.tag !== undefined) return p.tag === q.tag;
  return p.propertySetId === q.propertySetId && p.name === q.name && p.id === q.id;
}

function checkValue(type: string, value: string): void {
  const base = type.replace(/Array$/, '');
  const ok =
    base === 'Integer' || base === 'Short' || base === 'Long'
      ? /^-?\d+$/.test(value)
      : base === 'Boolean'
        ? /^(true|false|1|0)$/i.test(value)
        : base === 'SystemTime'
          ? !Number.isNaN(Date.parse(value))
          : base === 'Double' || base === 'Float' || base === 'Currency'
            ? !Number.isNaN(Number(value))
            : true;
  if (!ok) throw new EwsError('ErrorInvalidExtendedPropertyValue', `"${value}" is not a ${base} value.`);
}

/** `<t:ExtendedProperty>` elements of a request item (CreateItem, SetItemField). */
export function readExtendedProperties(item: XElement | undefined): ExtendedProperty[] {
  return childElements(item, 'ExtendedProperty').map((p) => {
    const uri = childElement(p, 'ExtendedFieldURI');
    if (!uri)
      throw new EwsError('ErrorInvalidExtendedProperty', 'ExtendedProperty needs an ExtendedFieldURI.');
    const { attrs: _attrs, ...path } = readExtendedPath(uri);
    const single = childElement(p, 'Value');
    const values = single
      ? [single.text]
      : childElements(childElement(p, 'Values'), 'Value').map((v) => v.text);
    const multi = path.type.endsWith('Array');
    if ((multi && single) || (!multi && !single)) {
      throw new EwsError(
        'ErrorInvalidExtendedPropertyValue',
        `A ${path.type} property takes ${multi ? 'Values' : 'one Value'}.`,
      );
    }
    for (const v of values) checkValue(path.type, v);
    return { ...path, values };
  });
}

/** The list with `props` set (replacing the same paths). */
export function setExtended(
  list: ExtendedProperty[] | undefined,
  props: ExtendedProperty[],
): ExtendedProperty[] {
  const out = (list ?? []).filter((p) => !props.some((q) => samePath(p, q)));
  return [...out, ...props];
}

export function deleteExtended(list: ExtendedProperty[] | undefined, path: ExtendedPath): ExtendedProperty[] {
  return (list ?? []).filter((p) => !samePath(p, path));
}

export function findExtended(
  list: ExtendedProperty[] | undefined,
  path: ExtendedPath,
): ExtendedProperty | undefined {
  return (list ?? []).find((p) => samePath(p, path));
}

/** The requested properties the item has, as `<t:ExtendedProperty>` elements with the path as asked. */
export function extendedXml(
  list: ExtendedProperty[] | undefined,
  wanted: ExtendedPath[] | undefined,
): string {
  if (!wanted || wanted.length === 0) return '';
  let out = '';
  for (const path of wanted) {
    const found = findExtended(list, path);
    if (!found) continue;
    const value = found.type.endsWith('Array')
      ? el('t:Values', null, ...found.values.map((v) => leaf('t:Value', v)))
      : leaf('t:Value', found.values[0] ?? '');
    out += el('t:ExtendedProperty', null, el('t:ExtendedFieldURI', path.attrs), value);
  }
  return out;
}
