// Autodiscover, the three ways clients ask for a mailbox's EWS URL: POX autodiscover.xml,
// SOAP autodiscover.svc (GetUserSettings) and the JSON v1.0 endpoint.

import type { SandboxContext } from '../context.ts';
import { SERVER_VERSION, SUPPORTED_VERSIONS } from './versions.ts';
import { NS } from './xml/namespaces.ts';
import { childElement, childElements, childText, parseRootElement, type XElement } from './xml/parse.ts';
import { el, esc, leaf } from './xml/write.ts';

export function ewsUrl(origin: string): string {
  return `${origin}/EWS/Exchange.asmx`;
}

export function poxResponse(
  ctx: SandboxContext,
  requestXml: string,
  origin: string,
): { status: number; xml: string } {
  let address: string | undefined;
  try {
    const root = parseRootElement(requestXml);
    address = childText(childElement(root, 'Request'), 'EMailAddress');
  } catch {
    address = undefined;
  }
  const mailbox = address ? ctx.store.mailbox(address) : undefined;
  const head = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${NS.autodiscoverResponse}">`;
  if (!mailbox) {
    const time = new Date(ctx.now()).toISOString().slice(11, 23);
    return {
      status: 200,
      xml:
        head +
        `<Response><Error Time="${time}" Id="2477272013"><ErrorCode>${address ? 500 : 600}</ErrorCode>` +
        `<Message>${address ? 'The email address can&apos;t be found.' : 'Invalid Request'}</Message><DebugData/></Error></Response></Autodiscover>`,
    };
  }
  const url = ewsUrl(origin);
  const host = new URL(origin).host;
  return {
    status: 200,
    xml:
      head +
      el(
        'Response',
        { xmlns: NS.autodiscoverOutlook },
        el(
          'User',
          null,
          leaf('DisplayName', mailbox.displayName),
          leaf('AutoDiscoverSMTPAddress', mailbox.address),
        ),
        el(
          'Account',
          null,
          leaf('AccountType', 'email'),
          leaf('Action', 'settings'),
          el(
            'Protocol',
            null,
            leaf('Type', 'EXCH'),
            leaf('Server', host),
            leaf('ASUrl', url),
            leaf('EwsUrl', url),
            leaf('EmwsUrl', url),
          ),
          el(
            'Protocol',
            null,
            leaf('Type', 'EXPR'),
            leaf('Server', host),
            leaf('EwsUrl', url),
            leaf('EmwsUrl', url),
          ),
        ),
      ) +
      '</Autodiscover>',
  };
}

const ADMIN_GROUP = '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)';

/** The mailbox's server name as Exchange 2013+ gives it: the mailbox GUID at the domain. */
function mailboxServer(mailbox: { address: string; id: string }): string {
  return `${mailbox.id}@${mailbox.address.split('@')[1]}`;
}

function host(origin: string): string {
  return new URL(origin).host;
}

type Mbx = { displayName: string; address: string; id: string };

/**
 * GetUserSettings names the sandbox answers, with Exchange 2016's values for a mailbox whose
 * every service is the sandbox itself. Names outside this table get SettingIsNotAvailable, as
 * Exchange answers settings a deployment does not have.
 */
const STRING_SETTINGS: Record<string, (m: Mbx, origin: string) => string> = {
  InternalEwsUrl: (_m, o) => ewsUrl(o),
  ExternalEwsUrl: (_m, o) => ewsUrl(o),
  EwsPartnerUrl: (_m, o) => ewsUrl(o),
  ExternalEwsVersion: () => versionString(),
  UserDisplayName: (m) => m.displayName,
  AutoDiscoverSMTPAddress: (m) => m.address,
  UserDN: (m) => `${ADMIN_GROUP}/cn=Recipients/cn=${m.id.replace(/-/g, '')}-${m.address.split('@')[0]}`,
  UserDeploymentId: (m) => m.id,
  MailboxDN: (m) =>
    `${ADMIN_GROUP}/cn=Configuration/cn=Servers/cn=${mailboxServer(m)}/cn=Microsoft Private MDB`,
  InternalMailboxServer: (m) => mailboxServer(m),
  InternalMailboxServerDN: (m) => `${ADMIN_GROUP}/cn=Configuration/cn=Servers/cn=${mailboxServer(m)}`,
  InternalRpcClientServer: (m) => mailboxServer(m),
  ExternalMailboxServer: (m) => mailboxServer(m),
  ExternalMailboxServerRequiresSSL: (_m, o) => String(o.startsWith('https:')),
  ExternalMailboxServerAuthenticationMethods: () => 'Basic, Ntlm, Negotiate',
  ActiveDirectoryServer: (_m, o) => new URL(o).hostname,
  CasVersion: () => versionString(),
  EwsSupportedSchemas: () => SUPPORTED_VERSIONS.join(', '),
  InternalEcpUrl: (_m, o) => `${o}/ecp/`,
  ExternalEcpUrl: (_m, o) => `${o}/ecp/`,
  InternalOABUrl: (_m, o) => `${o}/OAB/`,
  ExternalOABUrl: (_m, o) => `${o}/OAB/`,
  InternalMapiHttpMailboxServerUrl: (m, o) => `${o}/mapi/emsmdb/?MailboxId=${mailboxServer(m)}`,
  ExternalMapiHttpMailboxServerUrl: (m, o) => `${o}/mapi/emsmdb/?MailboxId=${mailboxServer(m)}`,
  MapiHttpEnabled: () => 'true',
  MobileMailboxPolicy: () => '',
  ExternalPublicFolderServer: (_m, o) => host(o),
  PublicFolderServer: (_m, o) => host(o),
  ShowGalAsDefaultView: () => 'true',
  GroupingInformation: () => 'Default-First-Site-Name',
};

function versionString(): string {
  return `${SERVER_VERSION.majorVersion}.${SERVER_VERSION.minorVersion}.${SERVER_VERSION.majorBuildNumber}.${SERVER_VERSION.minorBuildNumber}`;
}

/** Settings whose value is a collection; the sandbox has none of their entries. */
const EMPTY_COLLECTIONS: Record<string, string> = {
  AlternateMailboxes:
    '<UserSetting i:type="AlternateMailboxCollectionSetting"><Name>AlternateMailboxes</Name><AlternateMailboxes/></UserSetting>',
};

function webClientUrls(name: string, origin: string): string {
  return (
    `<UserSetting i:type="WebClientUrlCollectionSetting"><Name>${name}</Name><WebClientUrls>` +
    `<WebClientUrl><AuthenticationMethods>Fba</AuthenticationMethods><Url>${esc(origin)}/owa/</Url></WebClientUrl>` +
    '</WebClientUrls></UserSetting>'
  );
}

function settingXml(name: string, mailbox: Mbx, origin: string): string | undefined {
  if (name === 'InternalWebClientUrls' || name === 'ExternalWebClientUrls')
    return webClientUrls(name, origin);
  if (Object.hasOwn(EMPTY_COLLECTIONS, name)) return EMPTY_COLLECTIONS[name];
  const value = Object.hasOwn(STRING_SETTINGS, name) ? STRING_SETTINGS[name](mailbox, origin) : undefined;
  if (value === undefined) return undefined;
  return `<UserSetting i:type="StringSetting"><Name>${esc(name)}</Name><Value>${esc(value)}</Value></UserSetting>`;
}

export function soapGetUserSettings(
  ctx: SandboxContext,
  requestXml: string,
  origin: string,
): { status: number; xml: string } {
  const a = NS.autodiscoverSoap;
  const envelope = (body: string) =>
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.wsa}"><s:Header>` +
    `<a:Action s:mustUnderstand="1">${a}/Autodiscover/GetUserSettingsResponse</a:Action>` +
    `<h:ServerVersionInfo xmlns:h="${a}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><h:MajorVersion>${SERVER_VERSION.majorVersion}</h:MajorVersion>` +
    `<h:MinorVersion>${SERVER_VERSION.minorVersion}</h:MinorVersion><h:MajorBuildNumber>${SERVER_VERSION.majorBuildNumber}</h:MajorBuildNumber>` +
    `<h:MinorBuildNumber>${SERVER_VERSION.minorBuildNumber}</h:MinorBuildNumber><h:Version>Exchange2015</h:Version></h:ServerVersionInfo>` +
    `</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  let request: XElement | undefined;
  try {
    const root = parseRootElement(requestXml);
    request = childElement(
      childElement(childElement(root, 'Body'), 'GetUserSettingsRequestMessage'),
      'Request',
    );
  } catch {
    request = undefined;
  }
  if (!request) {
    return {
      status: 500,
      xml: envelope(
        `<s:Fault><faultcode>s:Client</faultcode><faultstring xml:lang="en-US">The request is not a GetUserSettings request.</faultstring></s:Fault>`,
      ),
    };
  }
  const wanted = childElements(childElement(request, 'RequestedSettings'), 'Setting').map((s) =>
    s.text.trim(),
  );
  const users = childElements(childElement(request, 'Users'), 'User').map(
    (u) => childText(u, 'Mailbox') ?? '',
  );
  const responses = users.map((address) => {
    const mailbox = ctx.store.mailbox(address);
    if (!mailbox) {
      return (
        `<UserResponse><ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: '${esc(address)}'</ErrorMessage>` +
        `<RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/></UserResponse>`
      );
    }
    const settings: string[] = [];
    const errors: string[] = [];
    for (const name of wanted) {
      const xml = settingXml(name, mailbox, origin);
      if (xml === undefined) {
        errors.push(
          `<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting '${esc(name)}' is not available.</ErrorMessage><SettingName>${esc(name)}</SettingName></UserSettingError>`,
        );
      } else {
        settings.push(xml);
      }
    }
    return (
      `<UserResponse><ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/>` +
      `<UserSettingErrors>${errors.join('')}</UserSettingErrors><UserSettings>${settings.join('')}</UserSettings></UserResponse>`
    );
  });
  return {
    status: 200,
    xml: envelope(
      `<GetUserSettingsResponseMessage xmlns="${a}"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
        `<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>${responses.join('')}</UserResponses></Response></GetUserSettingsResponseMessage>`,
    ),
  };
}

export function jsonAutodiscover(
  ctx: SandboxContext,
  address: string,
  protocol: string | undefined,
  origin: string,
): { status: number; body: Record<string, string> } {
  if (!protocol || !['ews', 'autodiscoverv1', 'rest', 'activesync'].includes(protocol.toLowerCase())) {
    return {
      status: 400,
      body: {
        ErrorCode: 'ProtocolNotSupported',
        ErrorMessage: `Protocol '${protocol ?? ''}' is not supported; use Protocol=EWS.`,
      },
    };
  }
  const mailbox = ctx.store.mailbox(address);
  if (!mailbox) {
    return {
      status: 404,
      body: { ErrorCode: 'UserNotFound', ErrorMessage: `No mailbox with the address ${address} exists.` },
    };
  }
  const p = protocol.toLowerCase();
  if (p === 'autodiscoverv1')
    return {
      status: 200,
      body: { Protocol: 'AutodiscoverV1', Url: `${origin}/autodiscover/autodiscover.xml` },
    };
  return { status: 200, body: { Protocol: p === 'ews' ? 'EWS' : protocol, Url: ewsUrl(origin) } };
}
