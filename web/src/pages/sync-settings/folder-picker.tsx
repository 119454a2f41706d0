// The mailbox's real folder tree of one kind (SPEC B1, C1, C2: contact folders, calendars, task
// folders or To Do lists), read from Exchange when the picker opens: that takes a moment, so the
// wait is shown, and a failure says what happened with a retry. Folders are chosen with
// checkboxes nested like the tree; the default folder is kept under its well-known name
// (`contacts`, `calendar`, `tasks`), as the server stores it.
import { useRef } from 'preact/hooks';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { type MessageKey, t } from '../../i18n.ts';
import type { FolderTree } from '../../types.ts';

export type PickerKind = 'contacts' | 'calendar' | 'tasks';

/** The id under which a folder is saved: the server stores the default folder by its kind's name. */
export function savedId(folder: FolderTree): string {
  return folder.wellKnown === folder.kind ? folder.kind : folder.id;
}

function isChosen(folder: FolderTree, chosen: string[]): boolean {
  return chosen.includes(folder.id) || chosen.includes(savedId(folder));
}

function allIds(nodes: FolderTree[]): Set<string> {
  const ids = new Set<string>();
  const walk = (list: FolderTree[]) => {
    for (const n of list) {
      ids.add(n.id);
      ids.add(savedId(n));
      walk(n.children);
    }
  };
  walk(nodes);
  return ids;
}

function FolderNodes(props: {
  nodes: FolderTree[];
  kind: PickerKind;
  chosen: string[];
  disabled: boolean;
  onToggle: (folder: FolderTree, on: boolean) => void;
}) {
  return (
    <ul class="folder-tree">
      {props.nodes.map((folder) => (
        <li key={folder.id}>
          {folder.kind === props.kind ? (
            <label class="check">
              <input
                type="checkbox"
                checked={isChosen(folder, props.chosen)}
                disabled={props.disabled}
                onChange={(e) => props.onToggle(folder, e.currentTarget.checked)}
              />
              {folder.name || t('syncSettings.folders.unnamed')}
              {folder.wellKnown === props.kind && (
                <span class="muted"> {t('syncSettings.folders.default')}</span>
              )}
            </label>
          ) : (
            <span class="folder-other">{folder.name}</span>
          )}
          {folder.children.length > 0 && <FolderNodes {...props} nodes={folder.children} />}
        </li>
      ))}
    </ul>
  );
}

export function FolderPicker(props: {
  mailboxId: string;
  address: string;
  /** Contact folders unless said otherwise. */
  kind?: PickerKind;
  /** The legend and the text for a mailbox with none, when not contact folders. */
  legendKey?: MessageKey;
  noneKey?: MessageKey;
  chosen: string[];
  disabled: boolean;
  error?: string;
  onChange: (chosen: string[]) => void;
}) {
  const kind = props.kind ?? 'contacts';
  const [tree, reload] = useLoad(
    (signal) =>
      get<{ items: FolderTree[] }>(
        `/api/v1/mailboxes/${encodeURIComponent(props.mailboxId)}/folders`,
        { kind },
        signal,
      ),
    [props.mailboxId, kind],
  );
  // Chosen folders that are gone from the mailbox stay listed once unticked, so that the
  // checkbox under the keyboard focus does not vanish.
  const gone = useRef(new Set<string>());
  const toggle = (folder: FolderTree, on: boolean) => {
    const rest = props.chosen.filter((id) => id !== folder.id && id !== savedId(folder));
    props.onChange(on ? [...rest, savedId(folder)] : rest);
  };
  const errorId = `import-${kind}-error`;
  return (
    <fieldset
      class={props.error ? 'folder-picker has-error' : 'folder-picker'}
      aria-describedby={props.error ? errorId : undefined}
      aria-busy={tree.state === 'loading'}
    >
      <legend>{t(props.legendKey ?? 'syncSettings.folders.legend', { address: props.address })}</legend>
      {tree.state === 'loading' && tree.data === undefined ? (
        <p class="muted" role="status">
          <span class="spinner" aria-hidden="true" /> {t('syncSettings.folders.reading')}
        </p>
      ) : (
        <Loading value={tree} what={t('syncSettings.folders.what')} retry={() => void reload()}>
          {(data) => {
            const known = allIds(data.items);
            for (const id of props.chosen) if (!known.has(id)) gone.current.add(id);
            const missing = [...gone.current].filter((id) => !known.has(id));
            return (
              <>
                {data.items.length === 0 ? (
                  <p class="muted">{t(props.noneKey ?? 'syncSettings.folders.none')}</p>
                ) : (
                  <FolderNodes
                    nodes={data.items}
                    kind={kind}
                    chosen={props.chosen}
                    disabled={props.disabled}
                    onToggle={toggle}
                  />
                )}
                {missing.length > 0 && (
                  <ul class="folder-tree">
                    {missing.map((id) => (
                      <li key={id}>
                        <label class="check">
                          <input
                            type="checkbox"
                            checked={props.chosen.includes(id)}
                            disabled={props.disabled}
                            onChange={(e) =>
                              props.onChange(
                                e.currentTarget.checked
                                  ? [...props.chosen, id]
                                  : props.chosen.filter((c) => c !== id),
                              )
                            }
                          />
                          {t('syncSettings.folders.gone')}
                        </label>
                      </li>
                    ))}
                  </ul>
                )}
                <p class="picker-footer">
                  <span class="muted">
                    {t('syncSettings.folders.chosen', { count: props.chosen.length })}
                  </span>
                  <button
                    type="button"
                    class="link"
                    onClick={() => void reload()}
                    disabled={tree.state === 'loading'}
                  >
                    {tree.state === 'loading'
                      ? t('syncSettings.folders.rereading')
                      : t('syncSettings.folders.reread')}
                  </button>
                </p>
              </>
            );
          }}
        </Loading>
      )}
      {props.error && (
        <small id={errorId} class="field-error">
          {props.error}
        </small>
      )}
    </fieldset>
  );
}
