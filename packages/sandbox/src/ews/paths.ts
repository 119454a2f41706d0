// Exchange's virtual directories are served by IIS, whose paths are case-insensitive:
// /ews/exchange.asmx, /EWS/Exchange.asmx and /Ews/EXCHANGE.ASMX are one endpoint. The sandbox's
// router is case-sensitive, so request URLs under /EWS/ and /Autodiscover/ are rewritten to the
// spelling its routes use before routing.

const EWS_FILES = ['Exchange.asmx', 'Services.wsdl', 'messages.xsd', 'types.xsd', 'xml.xsd'];
const AUTODISCOVER_FILES = ['autodiscover.xml', 'autodiscover.svc', 'autodiscover.json'];

function canonical(segment: string, names: readonly string[]): string {
  return names.find((n) => n.toLowerCase() === segment.toLowerCase()) ?? segment;
}

/** The URL with the EWS and Autodiscover part of its path in the routes' spelling. */
export function canonicalEwsUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const rest = q === -1 ? '' : url.slice(q);
  const ews = /^\/ews\/([^/]+)$/i.exec(path);
  if (ews) return `/EWS/${canonical(ews[1], EWS_FILES)}${rest}`;
  const ad = /^\/autodiscover\/([^/]+)(\/.*)?$/i.exec(path);
  if (ad) {
    const file = canonical(ad[1], AUTODISCOVER_FILES);
    const tail =
      ad[2] && file === 'autodiscover.json' ? ad[2].replace(/^\/v1\.0\//i, '/v1.0/') : (ad[2] ?? '');
    return `/autodiscover/${file}${tail}${rest}`;
  }
  return url;
}
