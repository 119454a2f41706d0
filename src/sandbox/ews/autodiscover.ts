// Autodiscover, the three ways clients ask for a mailbox's EWS URL: POX autodiscover.xml,
// SOAP autodiscover.svc (GetUserSettings) and the JSON v1.0 endpoint.

import type { SandboxContext } from '../context.ts';
import { SERVER_VERSION } from './versions.ts';
import { NS } from './xml/namespaces.ts';
import { kid, kids, kidText, parseXml, type XElement } from './xml/parse.ts';
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
    const root = parseXml(requestXml);
    address = kidText(kid(root, 'Request'), 'EMailAddress');
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

const STRING_SETTINGS = new Set([
  'InternalEwsUrl',
  'ExternalEwsUrl',
  'UserDisplayName',
  'UserDN',
  'AutoDiscoverSMTPAddress',
  'CasVersion',
  'EwsSupportedSchemas',
  'UserDeploymentId',
]);

function settingValue(
  name: string,
  mailbox: { displayName: string; address: string; id: string },
  origin: string,
): string | undefined {
  switch (name) {
    case 'InternalEwsUrl':
    case 'ExternalEwsUrl':
      return ewsUrl(origin);
    case 'UserDisplayName':
      return mailbox.displayName;
    case 'AutoDiscoverSMTPAddress':
      return mailbox.address;
    case 'UserDN':
      return `/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=${mailbox.address.split('@')[0]}`;
    case 'UserDeploymentId':
      return mailbox.id;
    case 'CasVersion':
      return `${SERVER_VERSION.majorVersion}.${SERVER_VERSION.minorVersion}.${SERVER_VERSION.majorBuildNumber}.${SERVER_VERSION.minorBuildNumber}`;
    case 'EwsSupportedSchemas':
      return 'Exchange2013, Exchange2013_SP1, Exchange2016, V2018_01_08';
    default:
      return undefined;
  }
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
    const root = parseXml(requestXml);
    request = kid(kid(kid(root, 'Body'), 'GetUserSettingsRequestMessage'), 'Request');
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
  const wanted = kids(kid(request, 'RequestedSettings'), 'Setting').map((s) => s.text.trim());
  const users = kids(kid(request, 'Users'), 'User').map((u) => kidText(u, 'Mailbox') ?? '');
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
      const value = STRING_SETTINGS.has(name) ? settingValue(name, mailbox, origin) : undefined;
      if (value === undefined) {
        errors.push(
          `<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting '${esc(name)}' is not available.</ErrorMessage><SettingName>${esc(name)}</SettingName></UserSettingError>`,
        );
      } else {
        settings.push(
          `<UserSetting i:type="StringSetting"><Name>${esc(name)}</Name><Value>${esc(value)}</Value></UserSetting>`,
        );
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
