// How single values are written into and read from CSV cells: the guard against spreadsheet
// formulas, lists within one cell, and dates in the forms spreadsheets and Outlook write.

/**
 * Spreadsheets run a cell starting with = + - @ (or tab/CR, which some treat the same) as a
 * formula, so an exported value could execute when the file is opened ("CSV injection"). Such
 * values are written with a leading apostrophe, which spreadsheets show as text. Values that
 * already start with apostrophes before one of those characters get one more, so that
 * unguardCell restores every value exactly.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unguardCell(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
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
