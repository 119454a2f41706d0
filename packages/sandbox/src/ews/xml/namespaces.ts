export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  e: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  autodiscoverRequest: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
  autodiscoverResponse: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  autodiscoverOutlook: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  autodiscoverSoap: 'http://schemas.microsoft.com/exchange/2010/Autodiscover',
  wsa: 'http://www.w3.org/2005/08/addressing',
} as const;

/** Namespace declarations put on every EWS envelope, so fragments can use `m:` and `t:`. */
export const ENVELOPE_XMLNS =
  `xmlns:s="${NS.soap}" xmlns:m="${NS.m}" xmlns:t="${NS.t}" ` +
  `xmlns:xsi="${NS.xsi}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"`;
