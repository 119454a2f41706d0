// `npm run test:property-mutations [-- name …]`: makes each deliberate wrong decision below in
// src/sync/planner.ts in turn, runs the property test against the in-memory Exchange, and
// restores the file. Every mutation must make the property test fail; the script prints which
// did and exits 1 if one survived. Not part of CI (a few minutes on two cores); run it after
// changing the property test or its oracle (docs/sync.md, "How the tests catch wrong decisions").
// Skipping the echo check (an Exchange change at the version we stored) is not among them: the
// content comparison behind it reaches the same outcome, so only the planner's unit tests see it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const planner = join(root, 'src/sync/planner.ts');

interface Mutation {
  name: string;
  what: string;
  /** Each pair: text that must occur exactly once, and what replaces it. */
  edits: Array<[string, string]>;
}

export const MUTATIONS: Mutation[] = [
  {
    name: 'delete-beats-edit',
    what: 'a delete always beats an edit on the other side (no conflict, whatever the policy)',
    edits: [
      ["if (crmEdited && direction === 'two_way'", "if (false && crmEdited && direction === 'two_way'"],
      [
        "if (exchangeEdited && direction === 'two_way'",
        "if (false && exchangeEdited && direction === 'two_way'",
      ],
    ],
  },
  {
    name: 'winner-inverted',
    what: 'the conflict winner inverted (crm_wins takes Exchange, exchange_wins the CRM)',
    edits: [
      [
        "settings.conflictPolicy === 'crm_wins' ? crmSnapshot : exchangeSnapshot",
        "settings.conflictPolicy === 'crm_wins' ? exchangeSnapshot : crmSnapshot",
      ],
    ],
  },
  {
    name: 'merge-wrong-side',
    what: 'field merge takes a field edited on one side only from the other side',
    edits: [
      [
        'agreed[f] = exchangeEdits.includes(f) ? exchangeSnapshot[f] : crmSnapshot[f]',
        'agreed[f] = exchangeEdits.includes(f) ? crmSnapshot[f] : exchangeSnapshot[f]',
      ],
    ],
  },
  {
    name: 'merge-ignored',
    what: 'field merge switched on is ignored: the winner is taken whole',
    edits: [['if (settings.fieldMerge) {', 'if (false) {']],
  },
  {
    name: 'delete-conflict-policy-inverted',
    what: 'a delete meeting an edit: the policy read the wrong way round (recreate vs delete)',
    edits: [
      [
        "if (settings.conflictPolicy === 'crm_wins') {\n        return [",
        "if (settings.conflictPolicy !== 'crm_wins') {\n        return [",
      ],
    ],
  },
  {
    name: 'exchange-edit-dropped',
    what: 'an edit made only in Exchange does not cross over (the CRM side is kept)',
    edits: [
      [
        '} else if (crmEdits.length === 0) {\n    agreed = exchangeSnapshot;',
        '} else if (crmEdits.length === 0) {\n    agreed = crmSnapshot;',
      ],
    ],
  },
  {
    name: 'exchange-delete-ignored',
    what: 'an item deleted in Exchange leaves its unedited CRM record in place',
    edits: [
      [
        "return [{ type: 'deleteRecord', link }];\n  }\n\n  if (crmDeleted) {",
        'return [];\n  }\n\n  if (crmDeleted) {',
      ],
    ],
  },
  {
    name: 'resume-ignores-landed-write',
    what: 'after a killed update, a write that landed is not recognised (its echo counts as an edit)',
    edits: [['base[f] = unwritten ? link.snapshot[f] : intent.agreed[f];', 'base[f] = link.snapshot[f];']],
  },
];

function apply(source: string, mutation: Mutation): string {
  let out = source;
  for (const [from, to] of mutation.edits) {
    const count = out.split(from).length - 1;
    if (count !== 1) throw new Error(`${mutation.name}: "${from}" occurs ${count} times in planner.ts`);
    out = out.replace(from, to);
  }
  return out;
}

const only = process.argv.slice(2);
const chosen = only.length ? MUTATIONS.filter((m) => only.includes(m.name)) : MUTATIONS;
const original = readFileSync(planner, 'utf8');
const restore = () => writeFileSync(planner, original);
process.on('SIGINT', () => {
  restore();
  process.exit(130);
});

const results: Array<{ mutation: string; caught: boolean; by: string }> = [];
try {
  for (const mutation of chosen) {
    writeFileSync(planner, apply(original, mutation));
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        'test/sync-property.test.ts',
        '-t',
        'in-memory',
        '--reporter=dot',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        maxBuffer: 1 << 28,
      },
    );
    restore();
    const output = `${run.stdout}\n${run.stderr}`;
    const counterexample = output.match(/Counterexample: (.*)/)?.[1] ?? '';
    const after = output.match(/Property failed after (\d+) tests/)?.[1];
    // Caught means the property itself failed, not that the run broke for another reason.
    const caught = run.status === 1 && output.includes('Property failed');
    if (run.status !== 0 && !caught) {
      console.error(output);
      throw new Error(
        `${mutation.name}: the test run failed without a property failure (status ${run.status})`,
      );
    }
    results.push({
      mutation: mutation.name,
      caught,
      by: caught ? `case ${after ?? '?'}: ${counterexample.slice(0, 100)}` : 'SURVIVED',
    });
    console.log(`${caught ? 'caught  ' : 'SURVIVED'} ${mutation.name}: ${mutation.what}`);
    if (counterexample) console.log(`         ${counterexample}`);
  }
} finally {
  restore();
}
console.table(results);
process.exit(results.every((r) => r.caught) ? 0 : 1);
