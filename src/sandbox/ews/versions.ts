// RequestServerVersion values the sandbox accepts: the Exchange 2013-and-later era the engine
// targets. Older values are refused as a real Exchange 2019 refuses unknown ones.

import { EwsFault } from './errors.ts';

export const SUPPORTED_VERSIONS = [
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
