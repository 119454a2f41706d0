import { describe, expect, it } from 'vitest';
import { ewsUrlOf } from './connector-factory.ts';
import { statusAfterTest } from './health.ts';
import { safeReturnPath } from './oauth.ts';
import {
  allowedModes,
  canDeleteService,
  deriveLogin,
  matchServiceByDomain,
  normaliseDomain,
  serviceProblems,
} from './rules.ts';

describe('mail-service rules', () => {
  const base = {
    type: 'exchange' as const,
    authMethod: 'basic' as const,
    loadEmails: true,
    sendEmails: false,
    hasClientSecret: false,
  };

  it('wants load or send, an authentication of the type, and OAuth settings when OAuth is used', () => {
    expect(serviceProblems(base)).toEqual([]);
    expect(serviceProblems({ ...base, loadEmails: false })).toEqual([
      expect.objectContaining({ path: 'loadEmails' }),
    ]);
    expect(serviceProblems({ ...base, authMethod: 'app_only' })[0].path).toBe('authMethod');
    expect(serviceProblems({ ...base, type: 'microsoft365', authMethod: 'basic' })[0].message).toMatch(
      /oauth_delegated, app_only/,
    );
    expect(serviceProblems({ ...base, authMethod: 'oauth' }).map((p) => p.path)).toEqual([
      'clientId',
      'clientSecret',
      'tenant',
    ]);
    expect(
      serviceProblems({ ...base, authMethod: 'oauth', clientId: 'c', tenant: 't', hasClientSecret: true }),
    ).toEqual([]);
  });

  it('derives logins from the login format', () => {
    expect(deriveLogin('email', ' Ada@Example.com ')).toEqual({ ok: true, login: 'ada@example.com' });
    expect(deriveLogin('mailbox', 'ada.lovelace@example.com')).toEqual({ ok: true, login: 'ada.lovelace' });
    expect(deriveLogin('manual', 'ada@example.com', ' CORP\\ada ')).toEqual({ ok: true, login: 'CORP\\ada' });
    expect(deriveLogin('manual', 'ada@example.com').ok).toBe(false);
    expect(deriveLogin('email', 'not-an-address').ok).toBe(false);
  });

  it('matches domains case-insensitively, the most specific first', () => {
    const services = [
      { id: 'parent', domains: ['example.com'] },
      { id: 'eu', domains: ['eu.example.com'] },
      { id: 'other', domains: ['other.org'] },
    ];
    expect(matchServiceByDomain(services, 'a@EXAMPLE.com')?.id).toBe('parent');
    expect(matchServiceByDomain(services, 'a@sales.eu.example.com')?.id).toBe('eu');
    expect(matchServiceByDomain(services, 'a@notexample.com')).toBeUndefined();
    expect(normaliseDomain(' @Example.COM. ')).toBe('example.com');
    expect(normaliseDomain('exa mple.com')).toBeUndefined();
  });

  it('allows deleting a service only when no live mailbox uses it', () => {
    expect(
      canDeleteService([{ id: '1', address: 'a@x', ownerEmail: 'o@x', status: 'disconnected' }]),
    ).toEqual({ ok: true });
    const verdict = canDeleteService([
      { id: '1', address: 'a@x', ownerEmail: 'o@x', status: 'active' },
      { id: '2', address: 'b@x', ownerEmail: 'o@x', status: 'disconnected' },
    ]);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.inUse.map((m) => m.id)).toEqual(['1']);
  });

  it('knows which access modes each authentication allows', () => {
    expect(allowedModes('microsoft365', 'app_only')).toEqual(['organisation']);
    expect(allowedModes('microsoft365', 'oauth_delegated')).toEqual(['individual']);
    expect(allowedModes('exchange', 'ntlm')).toEqual(['individual', 'organisation']);
  });

  it('maps test problems to mailbox status, EWS addresses to URLs, and keeps redirects inside Exsync', () => {
    expect(statusAfterTest(undefined)).toBe('active');
    expect(statusAfterTest('unauthorized')).toBe('needs_sign_in');
    expect(statusAfterTest('tls')).toBe('failing');
    expect(ewsUrlOf('mail.example.com')).toBe('https://mail.example.com/EWS/Exchange.asmx');
    expect(ewsUrlOf('https://mail.example.com/')).toBe('https://mail.example.com/EWS/Exchange.asmx');
    expect(ewsUrlOf('https://mail.example.com/ews/exchange.asmx')).toBe(
      'https://mail.example.com/ews/exchange.asmx',
    );
    expect(safeReturnPath('/mailboxes?x=1')).toBe('/mailboxes?x=1');
    expect(safeReturnPath('//evil.example')).toBeNull();
    expect(safeReturnPath('https://evil.example')).toBeNull();
    expect(safeReturnPath('/\\evil.example')).toBeNull();
  });
});
