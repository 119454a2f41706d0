// Importing contacts from a CSV file (B6): check the file first (dry run), then import. Rows
// with errors are listed with their line and column and are not written.
import { useId, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Notice } from '../../components/notice.tsx';
import { t } from '../../i18n.ts';
import type { ContactImportSummary } from '../../types.ts';

export function CsvImport(props: { onClose: () => void; onImported: () => void }) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState<ContactImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (dryRun: boolean) => {
    if (!file) {
      setError(t('contacts.import.chooseFile'));
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
      <h2 id={`${id}-title`}>{t('contacts.import.title')}</h2>
      <p class="muted">{t('contacts.import.intro')}</p>
      <div class="field">
        <label for={`${id}-file`}>{t('contacts.import.file')}</label>
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
        <ActionButton
          onAction={() => send(true)}
          busyLabel={t('contacts.import.checking')}
          onError={setError}
        >
          {t('contacts.import.check')}
        </ActionButton>
        <ActionButton
          kind="primary"
          onAction={() => send(false)}
          busyLabel={t('contacts.import.importing')}
          onError={setError}
        >
          {t('contacts.import.import')}
        </ActionButton>
        <button type="button" class="link" onClick={props.onClose}>
          {t('contacts.import.close')}
        </button>
      </div>
    </section>
  );
}

function ImportSummary({ summary }: { summary: ContactImportSummary }) {
  const failed = summary.failed.length;
  return (
    <Notice
      kind={failed ? 'warning' : 'success'}
      title={summary.dryRun ? t('contacts.import.checked') : t('contacts.import.finished')}
    >
      <p>
        {t(summary.dryRun ? 'contacts.import.resultDry' : 'contacts.import.result', {
          created: summary.created,
          updated: summary.updated,
          failed,
        })}
      </p>
      {failed > 0 && (
        <ul>
          {summary.failed.slice(0, 20).map((f) => (
            <li key={f.line}>
              {t('contacts.import.line', {
                line: f.line,
                errors: f.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
              })}
            </li>
          ))}
          {failed > 20 && <li>{t('contacts.import.more', { count: failed - 20 })}</li>}
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
