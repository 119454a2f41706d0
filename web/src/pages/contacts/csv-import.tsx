// Importing contacts from a CSV file (B6): check the file first (dry run), then import. Rows
// with errors are listed with their line and column and are not written.
import { useId, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Notice } from '../../components/notice.tsx';
import type { ContactImportSummary } from '../../types.ts';

export function CsvImport(props: { onClose: () => void; onImported: () => void }) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState<ContactImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (dryRun: boolean) => {
    if (!file) {
      setError('Choose a CSV file first.');
      return;
    }
    setError(null);
    const answer = await api<ContactImportSummary>('POST', '/api/v1/contacts/import', {
      body: await file.arrayBuffer(),
      contentType: 'text/csv',
      query: { dryRun: dryRun ? 'true' : undefined },
    });
    setSummary(answer);
    if (!dryRun) props.onImported();
  };

  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Import contacts from CSV</h2>
      <p class="muted">
        Rows with an Id column update that contact; the others create new contacts. Check the file first to
        see what would happen.
      </p>
      <div class="field">
        <label for={`${id}-file`}>CSV file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            setSummary(null);
          }}
        />
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {summary && <ImportSummary summary={summary} />}
      <div class="form-actions">
        <ActionButton onAction={() => send(true)} busyLabel="Checking…" onError={setError}>
          Check file
        </ActionButton>
        <ActionButton kind="primary" onAction={() => send(false)} busyLabel="Importing…" onError={setError}>
          Import
        </ActionButton>
        <button type="button" class="link" onClick={props.onClose}>
          Close
        </button>
      </div>
    </section>
  );
}

function ImportSummary({ summary }: { summary: ContactImportSummary }) {
  const would = summary.dryRun ? 'would be ' : '';
  const failed = summary.failed.length;
  return (
    <Notice
      kind={failed ? 'warning' : 'success'}
      title={summary.dryRun ? 'The file was checked; nothing was written' : 'Import finished'}
    >
      <p>
        {summary.created} {summary.created === 1 ? 'contact' : 'contacts'} {would}created, {summary.updated}{' '}
        {would}updated{failed ? `, ${failed} ${failed === 1 ? 'row' : 'rows'} with errors (not written)` : ''}
        .
      </p>
      {failed > 0 && (
        <ul>
          {summary.failed.slice(0, 20).map((f) => (
            <li key={f.line}>
              Line {f.line}:{' '}
              {f.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}
            </li>
          ))}
          {failed > 20 && <li>…and {failed - 20} more rows.</li>}
        </ul>
      )}
      {summary.warnings.length > 0 && (
        <ul>
          {summary.warnings.map((w) => (
            <li key={`${w.column ?? ''}${w.message}`}>
              {w.column ? `${w.column}: ${w.message}` : w.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}
