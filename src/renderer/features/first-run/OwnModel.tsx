// For people who already have a model bundle (their own export, or Immich's): import it into Glimpse's
// models folder, or use the folder where it is.
import { useState } from 'react';
import { api, errorMessage } from '../../api';
import type { ModelState } from '../../../shared/types';

export function OwnModel({
  onModel,
  onError,
}: {
  onModel: (m: ModelState) => void;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState<'import' | 'choose' | null>(null);
  const run = (kind: 'import' | 'choose') => {
    setBusy(kind);
    (kind === 'import' ? api.importModelFolder() : api.chooseModelFolder())
      .then(onModel, (e: unknown) => onError(errorMessage(e)))
      .finally(() => setBusy(null));
  };
  return (
    <section className="own-model" aria-labelledby="own-model-title">
      <h2 id="own-model-title">Already have a model?</h2>
      <p className="muted small">
        A model bundle is a folder with <code>model.json</code> (a Glimpse export) or Immich&apos;s{' '}
        <code>config.json</code>, the image and text ONNX files and the tokenizer. Importing copies it into
        Glimpse&apos;s models folder and checks it; choosing uses it where it is.
      </p>
      <div className="first-run-actions">
        <button type="button" onClick={() => run('import')} disabled={busy !== null}>
          {busy === 'import' ? 'Importing…' : 'Import a model folder…'}
        </button>
        <button type="button" onClick={() => run('choose')} disabled={busy !== null}>
          {busy === 'choose' ? 'Choosing…' : 'Choose model folder…'}
        </button>
      </div>
    </section>
  );
}
