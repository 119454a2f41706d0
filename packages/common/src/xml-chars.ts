// Characters XML 1.0 cannot carry (its Char production): C0 controls other than tab, line feed
// and carriage return, lone surrogates, U+FFFE and U+FFFF. JSON and the database hold them
// happily, but one of them in an EWS request makes Exchange refuse the whole request, so the
// CRM refuses them on input, the EWS connector leaves them out on export, and the sandbox
// refuses them as Exchange does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** The first character XML cannot carry, with its index, or undefined. */
export function forbiddenXmlChar(text: string): { index: number; codePoint: number } | undefined {
  const match = FORBIDDEN.exec(text);
  return match ? { index: match.index, codePoint: match[0].codePointAt(0)! } : undefined;
}

export function withoutForbiddenXmlChars(text: string): string {
  return FORBIDDEN.test(text) ? text.replace(FORBIDDEN_ALL, '') : text;
}

/** `U+0000` style, for messages. */
export const codePointName = (codePoint: number) =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
