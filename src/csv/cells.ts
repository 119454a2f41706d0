// How single values are written into and read from CSV cells: the guard against spreadsheet
// formulas, lists within one cell, and dates in the forms spreadsheets and Outlook write.

/**
 * Spreadsheets run a cell starting with = + - @ (or tab/CR, which some treat the same) as a
 * formula, so an exported value could execute when the file is opened ("CSV injection", OWASP).
 * A formula can also start inside a value, after a character that a spreadsheet may take as a
 * cell or line boundary: `x;=1+1;y` is three cells, the middle one a formula, where `;` is the
 * list separator (German Excel) even if the file was written with `,`. So every "start" — the
 * beginning of the value and the position after each `,` `;` tab CR or LF — is guarded: when
 * spaces and double quotes there are followed by apostrophes (any number, also none) and then
 * one of those characters, one apostrophe is inserted before them (`'=1+1`, `x;'=1+1;y`), which
 * spreadsheets show as text. unguardCell removes exactly that one apostrophe at each start
 * where one is followed by such a character, so every value comes back unchanged.
 */
const BOUNDARIES = new Set([',', ';', '\t', '\r', '\n']);
const FORMULA_CHARACTERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Where an apostrophe goes (guard) or which one goes (unguard), for each start of a formula. */
function formulaStarts(value: string, minApostrophes: 0 | 1): number[] {
  const positions: number[] = [];
  for (let start = 0; start < value.length; start++) {
    if (start > 0 && !BOUNDARIES.has(value[start - 1])) continue;
    let i = start;
    while (value[i] === ' ' || value[i] === '"') i++;
    const at = i;
    while (value[i] === "'") i++;
    if (i - at >= minApostrophes && FORMULA_CHARACTERS.has(value[i])) positions.push(at);
  }
  return positions;
}

export function guardCell(value: string): string {
  const positions = formulaStarts(value, 0);
  if (positions.length === 0) return value;
  let out = '';
  let from = 0;
  for (const at of positions) {
    out += `${value.slice(from, at)}'`;
    from = at;
  }
  return out + value.slice(from);
}

export function unguardCell(value: string): string {
  const positions = formulaStarts(value, 1);
  if (positions.length === 0) return value;
  let out = '';
  let from = 0;
  for (const at of positions) {
    out += value.slice(from, at);
    from = at + 1;
  }
  return out + value.slice(from);
}

/**
 * Several names in one cell (categories, groups), separated by `;` as Outlook writes them. A
 * `;` or `\` inside a name is written as `\;` or `\\` so that any name survives a round trip.
 */
export function joinList(values: readonly string[]): string {
  return values.map((v) => v.replaceAll('\\', '\\\\').replaceAll(';', '\\;')).join(';');
}

export function splitList(cell: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i];
    if (ch === '\\' && (cell[i + 1] === ';' || cell[i + 1] === '\\')) {
      current += cell[i + 1];
      i++;
    } else if (ch === ';') {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((v) => v.trim()).filter((v) => v.length > 0);
}

export type DateCell = { ok: true; value: string | null } | { ok: false; message: string };

/**
 * A calendar date as YYYY-MM-DD. Accepted: YYYY-MM-DD, D.M.YYYY (German spreadsheets and
 * Outlook), M/D/YYYY (Outlook in English); Outlook's "0/0/00" and "00.00.0000" mean no date.
 */
export function parseDateCell(cell: string): DateCell {
  const text = cell.trim();
  if (text === '' || /^0{1,2}([./])0{1,2}\1(0{2}|0{4})$/.test(text)) return { ok: true, value: null };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const parts = iso
    ? [iso[1], iso[2], iso[3]]
    : german
      ? [german[3], german[2], german[1]]
      : us
        ? [us[3], us[1], us[2]]
        : undefined;
  if (!parts) {
    return {
      ok: false,
      message: `"${text.slice(0, 40)}" is not a date; write YYYY-MM-DD (or D.M.YYYY, M/D/YYYY) with a four-digit year`,
    };
  }
  const [y, m, d] = parts.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, message: `"${text}" is not a day of the calendar` };
  }
  return {
    ok: true,
    value: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  };
}
