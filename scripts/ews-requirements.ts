// Tables the MS-OXWS* requirement ids cited in test names in docs/sandbox-ews.md, with
// Microsoft's text beside each. Test names come from `vitest list` (so ids in `it.each` rows
// count as the tests really run them); the texts from the requirement specifications of
// Microsoft's protocol test suites (EXSYNC_EWS_REQUIREMENTS_DIR, by default
// ../shared/specs/ews/requirements beside the repository). An id that is not in them stops the
// script, so a test cannot cite a requirement that does not exist.
//
//   node scripts/ews-requirements.ts           rewrite the table
//   node scripts/ews-requirements.ts --check   fail when the table is not up to date
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const docPath = join(root, 'docs/sandbox-ews.md');
const specDir = process.env.EXSYNC_EWS_REQUIREMENTS_DIR ?? resolve(root, '../shared/specs/ews/requirements');
const START = '<!-- requirements:start -->';
const END = '<!-- requirements:end -->';
const ID = /MS-OXWS[A-Z]+_R\d+/g;

function requirementTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.xml'))) {
    const xml = readFileSync(join(specDir, file), 'utf8');
    for (const m of xml.matchAll(
      /<ns1:REQ_ID>([^<]+)<\/ns1:REQ_ID>[\s\S]*?<ns1:Description>([\s\S]*?)<\/ns1:Description>/g,
    )) {
      if (!texts.has(m[1])) texts.set(m[1], m[2]);
    }
  }
  return texts;
}

function listTests(): Array<{ name: string; file: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'exsync-req-')), 'list.json');
  const vitest = join(root, 'node_modules/.bin/vitest');
  const result = spawnSync(vitest, ['list', `--json=${out}`, 'test/sandbox', 'packages/sandbox/src'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('vitest list failed');
  return JSON.parse(readFileSync(out, 'utf8'));
}

function xmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function abridge(text: string): string {
  const flat = xmlText(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return flat.length > 140 ? `${flat.slice(0, 137)}…` : flat;
}

function order(a: string, b: string): number {
  const [da, na] = a.split('_R');
  const [db, nb] = b.split('_R');
  return da === db ? Number(na) - Number(nb) : da.localeCompare(db);
}

const texts = requirementTexts();
const cited = new Map<string, Set<string>>();
for (const test of listTests()) {
  const title = test.name.split(' > ').pop() ?? test.name;
  const label = title.replace(/^(MS-OXWS[A-Z]+_R\d+[,:]?\s*)+/, '').replace(/\|/g, '\\|');
  for (const id of new Set(test.name.match(ID) ?? [])) {
    const where = cited.get(id) ?? new Set<string>();
    where.add(`\`${basename(test.file)}\`: ${label}`);
    cited.set(id, where);
  }
}
const unknown = [...cited.keys()].filter((id) => !texts.has(id));
if (unknown.length > 0) {
  console.error(`Cited ids that are in no requirement specification: ${unknown.join(', ')}`);
  process.exit(1);
}
const ids = [...cited.keys()].sort(order);
const table = [
  `Each row names a Microsoft requirement (MS-OXWS* RequirementSpecification) and the test that checks it; ${ids.length} requirements in all, tabled by \`node scripts/ews-requirements.ts\` from the names of the tests as vitest lists them. Behaviour outside those documents (authentication, NTLM, throttling, streaming, availability, Autodiscover, ConvertId, ResolveNames, GetServerTimeZones, attachments, pull and push subscriptions) is tested too, under plain names.`,
  '',
  "| Requirement | Microsoft's text (abridged) | Test |",
  '|---|---|---|',
  ...ids.map(
    (id) => `| ${id} | ${abridge(texts.get(id) ?? '')} | ${[...cited.get(id)!].sort().join('<br>')} |`,
  ),
].join('\n');
const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start)
  throw new Error(`docs/sandbox-ews.md needs ${START} and ${END} around the table.`);
const next = `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/sandbox-ews.md is not up to date: run node scripts/ews-requirements.ts');
    process.exit(1);
  }
} else {
  writeFileSync(docPath, next);
}
console.log(`${ids.length} requirement ids cited.`);
