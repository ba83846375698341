// First run without a usable model: what Glimpse needs (a CLIP model bundle), why it is not there (the
// engine's own words) and the one step that fixes it today — choosing a model folder.
import { useState } from 'react';
import { api, errorMessage } from '../../api';
import { ErrorNote } from '../../components/ErrorNote';
import type { ModelState } from '../../../shared/types';
import './first-run.css';

export function FirstRun({ model, onModel }: { model: ModelState; onModel: (m: ModelState) => void }) {
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const choose = () => {
    setChoosing(true);
    setError(null);
    api
      .chooseModelFolder()
      .then(onModel, (e: unknown) => setError(errorMessage(e)))
      .finally(() => setChoosing(false));
  };
  return (
    <main className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">Glimpse needs a CLIP model</h1>
      <p>
        Glimpse finds photos by description with an OpenCLIP model that runs on this computer — nothing is
        uploaded. A model bundle is a folder holding <code>model.json</code> (or Immich&apos;s{' '}
        <code>config.json</code>), the image and text ONNX files and <code>tokenizer.json</code>.
      </p>
      <p>
        A later version downloads a model for you. Until then, choose the folder of a model bundle you already
        have.
      </p>
      <div className="problem" role="alert" data-testid="model-problem">
        <strong>Why no model is in use:</strong> {model.problem ?? 'the model could not be loaded.'}
        <div className="muted small">
          Looked in <span className="path">{model.dir}</span>
        </div>
      </div>
      {error && <ErrorNote message={error} />}
      <button type="button" className="primary large" onClick={choose} disabled={choosing}>
        {choosing ? 'Choosing…' : 'Choose model folder…'}
      </button>
    </main>
  );
}
