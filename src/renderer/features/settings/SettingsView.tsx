// Settings: the model in use and the model store, execution-provider order, batch size, excluded patterns, the thumbnail cache
// and the theme. The theme applies and saves at once; the rest is saved together, because changing the
// providers or batch size reloads the model.
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useNotify } from '../../components/Notices';
import { formatBytes, formatCount } from '../../format';
import type { LibraryStatus, ModelState, Settings, Theme } from '../../../shared/types';
import { ModelsPanel } from '../models/ModelsPanel';
import { ModelSection } from './ModelSection';
import { ProviderOrder, rowsFrom, type ProviderRow } from './ProviderOrder';
import './settings.css';

/** The contract's bound: a batch larger than this would not fit any card's memory for ViT-H/14. */
const MAX_BATCH = 4096;
const THEMES: Array<{ id: Theme; label: string }> = [
  { id: 'system', label: 'System' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

interface Draft {
  providers: ProviderRow[];
  batchAuto: boolean;
  batchSize: string;
  exclude: string;
}

function draftFrom(s: Settings): Draft {
  return {
    providers: rowsFrom(s.providers),
    batchAuto: s.batchSize === null,
    batchSize: String(s.batchSize ?? 64),
    exclude: s.excludePatterns.join('\n'),
  };
}

export function SettingsView({
  settings,
  model,
  library,
  onSettings,
  onModel,
  onLibraryChanged,
}: {
  settings: Settings;
  model: ModelState;
  library: LibraryStatus | null;
  onSettings: (s: Settings) => void;
  onModel: (m: ModelState) => void;
  onLibraryChanged: () => void;
}) {
  const notify = useNotify();
  const [draft, setDraft] = useState(() => draftFrom(settings));
  const [saving, setSaving] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const [clearing, setClearing] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  // The draft follows the saved settings it edits, not the settings object: a theme change (saved at once)
  // must not throw away unsaved edits to the providers, batch size or patterns.
  const saved = JSON.stringify([settings.providers, settings.batchSize, settings.excludePatterns]);
  const [draftOf, setDraftOf] = useState(saved);
  if (saved !== draftOf) {
    setDraftOf(saved);
    setDraft(draftFrom(settings));
  }

  const batch = Number(draft.batchSize);
  const batchValid = draft.batchAuto || (Number.isInteger(batch) && batch >= 1 && batch <= MAX_BATCH);

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!batchValid) return;
    setSaving(true);
    api
      .updateSettings({
        providers: draft.providers.filter((r) => r.on).map((r) => r.name),
        batchSize: draft.batchAuto ? null : batch,
        excludePatterns: draft.exclude
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      })
      .then(
        (s) => {
          onSettings(s);
          notify('Settings saved');
        },
        (err: unknown) => notify(errorMessage(err), 'error'),
      )
      .finally(() => setSaving(false));
  };

  const setTheme = (theme: Theme) => {
    onSettings({ ...settings, theme });
    api.updateSettings({ theme }).then(onSettings, (err: unknown) => notify(errorMessage(err), 'error'));
  };

  const chooseModel = () => {
    setChoosing(true);
    api
      .chooseModelFolder()
      .then(onModel, (err: unknown) => notify(errorMessage(err), 'error'))
      .finally(() => setChoosing(false));
  };

  const clearThumbnails = () => {
    setConfirmClear(false);
    setClearing(true);
    api
      .clearThumbnailCache()
      .then(
        () => {
          onLibraryChanged();
          notify('Thumbnail cache cleared');
        },
        (err: unknown) => notify(errorMessage(err), 'error'),
      )
      .finally(() => setClearing(false));
  };

  return (
    <section className="settings-view" aria-label="Settings">
      <header className="view-head">
        <h1>Settings</h1>
      </header>
      <ModelSection model={model} choosing={choosing} onChoose={chooseModel} />
      <ModelsPanel model={model} library={library} onModel={onModel} onLibraryChanged={onLibraryChanged} />

      <form className="panel" aria-label="Indexing and model runtime" onSubmit={save}>
        <h2>Execution</h2>
        <p className="muted small">Glimpse tries these in order and uses the first that loads.</p>
        <ProviderOrder rows={draft.providers} onChange={(providers) => setDraft({ ...draft, providers })} />

        <fieldset className="batch">
          <legend>Batch size (images per model call)</legend>
          <label className="check">
            <input
              type="radio"
              name="batch"
              checked={draft.batchAuto}
              onChange={() => setDraft({ ...draft, batchAuto: true })}
            />
            Automatic (from the active provider)
          </label>
          <label className="check">
            <input
              type="radio"
              name="batch"
              checked={!draft.batchAuto}
              onChange={() => setDraft({ ...draft, batchAuto: false })}
            />
            Fixed:
            <input
              type="number"
              aria-label="Batch size"
              min={1}
              max={MAX_BATCH}
              disabled={draft.batchAuto}
              value={draft.batchSize}
              aria-invalid={!batchValid}
              onChange={(e) => setDraft({ ...draft, batchSize: e.target.value })}
            />
          </label>
          {!batchValid && <p className="error-text">A batch size is a whole number from 1 to {MAX_BATCH}.</p>}
        </fieldset>

        <label className="stacked">
          <span>Excluded patterns (one glob per line, e.g. **/.thumbnails/**)</span>
          <textarea
            aria-label="Excluded patterns"
            rows={4}
            spellCheck={false}
            value={draft.exclude}
            onChange={(e) => setDraft({ ...draft, exclude: e.target.value })}
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={saving || !batchValid}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" disabled={saving} onClick={() => setDraft(draftFrom(settings))}>
            Revert
          </button>
          <span className="muted small">Changing providers or batch size reloads the model.</span>
        </div>
      </form>

      <section className="panel" aria-label="Thumbnail cache">
        <h2>Thumbnail cache</h2>
        <p data-testid="thumbnail-usage">
          {library
            ? `${formatCount(library.thumbnails.files)} thumbnails, ${formatBytes(library.thumbnails.bytes)}`
            : '—'}
        </p>
        <button
          type="button"
          disabled={clearing || !library?.thumbnails.files}
          onClick={() => setConfirmClear(true)}
        >
          {clearing ? 'Clearing…' : 'Clear thumbnail cache'}
        </button>
      </section>

      <section className="panel" aria-label="Appearance">
        <h2>Appearance</h2>
        <div role="radiogroup" aria-label="Theme" className="segmented">
          {THEMES.map((t) => (
            <label key={t.id} className={settings.theme === t.id ? 'on' : undefined}>
              <input
                type="radio"
                name="theme"
                value={t.id}
                checked={settings.theme === t.id}
                onChange={() => setTheme(t.id)}
              />
              {t.label}
            </label>
          ))}
        </div>
      </section>

      {confirmClear && (
        <ConfirmDialog
          title="Clear the thumbnail cache?"
          confirmLabel="Clear cache"
          onCancel={() => setConfirmClear(false)}
          onConfirm={clearThumbnails}
        >
          <p>
            This frees {library ? formatBytes(library.thumbnails.bytes) : 'the space'}. Result tiles show a
            placeholder until their thumbnails are made again by indexing.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
