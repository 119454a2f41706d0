import { describe, expect, it } from 'vitest';
import { extendedIdText, extendedPatch, parseExtendedExpand, parseExtendedId } from './extended.ts';

describe('parseExtendedId', () => {
  it('reads the three documented forms into the form EWS stores', () => {
    expect(parseExtendedId('String 0x3A24')).toEqual({ type: 'String', tag: 0x3a24 });
    expect(parseExtendedId('String {00020329-0000-0000-C000-000000000046} Name Color')).toEqual({
      type: 'String',
      propertySetId: '00020329-0000-0000-c000-000000000046',
      name: 'Color',
    });
    expect(parseExtendedId('integer {00062008-0000-0000-C000-000000000046} Id 0x8005')).toEqual({
      type: 'Integer',
      propertySetId: '00062008-0000-0000-c000-000000000046',
      id: 0x8005,
    });
    expect(parseExtendedId('StringArray {00020329-0000-0000-C000-000000000046} Name Tags').type).toBe(
      'StringArray',
    );
    expect(parseExtendedId('systemtime 0x0E06').type).toBe('SystemTime');
  });

  it('refuses ids in no documented form', () => {
    for (const bad of [
      '0x3A24',
      'Text 0x3A24',
      'String',
      'String {not-a-guid} Name X',
      'String {00020329-0000-0000-C000-000000000046} Id x',
    ])
      expect(() => parseExtendedId(bad), bad).toThrow(/not an extended property id/);
  });

  it('writes ids back in the documented form', () => {
    expect(extendedIdText(parseExtendedId('String 0x3A24'))).toBe('String 0x3a24');
    expect(extendedIdText(parseExtendedId('Integer {00062008-0000-0000-C000-000000000046} Id 0x8005'))).toBe(
      'Integer {00062008-0000-0000-c000-000000000046} Id 0x8005',
    );
  });
});

describe('extendedPatch', () => {
  it('adds and replaces by id, keeping the others', () => {
    const current = [
      { type: 'String', tag: 0x3a24, values: ['old'] },
      { type: 'String', propertySetId: '00020329-0000-0000-c000-000000000046', name: 'Keep', values: ['k'] },
    ];
    const next = extendedPatch(
      { singleValueExtendedProperties: [{ id: 'String 0x3A24', value: 'new' }] },
      'contact',
      current,
    );
    expect(next).toEqual([current[1], { type: 'String', tag: 0x3a24, values: ['new'] }]);
    expect(extendedPatch({}, 'contact', current)).toBeUndefined();
  });

  it('refuses a multi-valued type among single values and a non-string value', () => {
    expect(() =>
      extendedPatch(
        { singleValueExtendedProperties: [{ id: 'StringArray 0x3A24', value: 'x' }] },
        'contact',
        [],
      ),
    ).toThrow(/multiValueExtendedProperties/);
    expect(() =>
      extendedPatch({ singleValueExtendedProperties: [{ id: 'Integer 0x3A24', value: 3 }] }, 'contact', []),
    ).toThrow(/must be a string/);
  });
});

describe('parseExtendedExpand', () => {
  it('reads the ids a $expand asks for and ignores other expansions', () => {
    const wanted = parseExtendedExpand(
      "attachments,singleValueExtendedProperties($filter=id eq 'String 0x3A24' or id eq 'String {00020329-0000-0000-C000-000000000046} Name Color')",
    );
    expect(wanted.get('singleValueExtendedProperties')?.length).toBe(2);
    expect(parseExtendedExpand('attachments').size).toBe(0);
  });
});
