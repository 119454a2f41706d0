import { describe, expect, it } from 'vitest';
import { childElement, parseRootElement, XmlReadError } from './parse.ts';

describe('parseRootElement', () => {
  it('resolves prefixes and default namespaces to namespace URIs', () => {
    const root = parseRootElement(
      '<a:Root xmlns:a="urn:a" xmlns="urn:d"><Child x:attr="1" xmlns:x="urn:x"><a:Leaf>text &amp; more</a:Leaf></Child></a:Root>',
    );
    expect(root).toMatchObject({ ns: 'urn:a', name: 'Root' });
    const child = childElement(root, 'Child')!;
    expect(child.ns).toBe('urn:d');
    expect(child.attrs.attr).toBe('1');
    expect(childElement(child, 'Leaf')).toMatchObject({ ns: 'urn:a', text: 'text & more' });
  });

  it('refuses DOCTYPEs, so external entities are never resolved', () => {
    const attempt = () =>
      parseRootElement(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
      );
    expect(attempt).toThrow(XmlReadError);
    try {
      attempt();
    } catch (error) {
      expect((error as XmlReadError).code).toBe('dtdRefused');
    }
  });

  it('reports malformed XML with a position', () => {
    try {
      parseRootElement('<a>\n<b></a>');
      expect.unreachable();
    } catch (error) {
      expect((error as XmlReadError).code).toBe('malformed');
      expect((error as XmlReadError).line).toBeGreaterThan(0);
    }
  });

  it('keeps body text as sent, whitespace included', () => {
    expect(childElement(parseRootElement('<r><Body>  two\n lines </Body></r>'), 'Body')!.text).toBe(
      '  two\n lines ',
    );
  });
});
