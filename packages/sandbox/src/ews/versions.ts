// RequestServerVersion: Exchange 2013 and later accept every value of the schema's
// ExchangeVersionType, the Exchange 2007 and 2010 ones included, and refuse only values the
// schema does not list.

import { EwsFault } from './errors.ts';

export const SUPPORTED_VERSIONS = [
  'Exchange2007',
  'Exchange2007_SP1',
  'Exchange2009',
  'Exchange2010',
  'Exchange2010_SP1',
  'Exchange2010_SP2',
  'Exchange2012',
  'Exchange2013',
  'Exchange2013_SP1',
  'Exchange2015',
  'Exchange2016',
  'V2015_10_05',
  'V2016_01_06',
  'V2016_04_13',
  'V2016_07_13',
  'V2016_10_10',
  'V2017_01_07',
  'V2017_04_14',
  'V2017_07_11',
  'V2017_10_09',
  'V2018_01_08',
] as const;

export type SupportedVersion = (typeof SUPPORTED_VERSIONS)[number];

/** What the server says it is, in every response's ServerVersionInfo header. */
export const SERVER_VERSION = {
  majorVersion: 15,
  minorVersion: 20,
  majorBuildNumber: 5,
  minorBuildNumber: 0,
  version: 'V2018_01_08',
} as const;

/** Without the header, Exchange treats the request as the oldest version it serves. */
export const DEFAULT_VERSION: SupportedVersion = 'Exchange2013';

export function checkRequestedVersion(requested: string | undefined): SupportedVersion {
  if (requested === undefined) return DEFAULT_VERSION;
  if ((SUPPORTED_VERSIONS as readonly string[]).includes(requested)) return requested as SupportedVersion;
  throw new EwsFault(
    'ErrorInvalidServerVersion',
    `The specified server version "${requested}" is invalid. Use one of ${SUPPORTED_VERSIONS.join(', ')}.`,
  );
}
