// The app's one model download at a time (first run, Settings → Models): progress and notes sent as
// modelPull events, cancellable, its failure kept in words for the window.
import type { ModelStore, ProviderName } from '../core';
import type { Events } from '../shared/contract';
import type { ModelPullJob } from '../shared/types';

interface ModelDownloadsOptions {
  models: Pick<ModelStore, 'pull'>;
  /** The providers a model built here is checked on: the engine's (settings'), undefined for the defaults. */
  providers: () => ProviderName[] | undefined;
  emit: (event: 'modelPull', payload: Events['modelPull']) => void;
}

export class ModelDownloads {
  private job: ModelPullJob = { state: 'idle', id: null, progress: null, error: null, installed: null };
  private abort: AbortController | null = null;

  constructor(private readonly opts: ModelDownloadsOptions) {}

  get current(): ModelPullJob {
    return this.job;
  }

  /** Downloads and installs model `id`; asked again for the same model while it downloads, answers that
   *  job. Throws (code BUSY) while another model downloads. */
  pull(id: string): ModelPullJob {
    if (this.job.state !== 'idle') {
      if (this.job.id === id) return this.job;
      throw Object.assign(new Error(`${this.job.id} is downloading; cancel it first`), { code: 'BUSY' });
    }
    const controller = (this.abort = new AbortController());
    this.update({ state: 'running', id, progress: null, error: null, notes: [] });
    void this.opts.models
      .pull(id, {
        signal: controller.signal,
        onProgress: (progress) => this.update({ progress }),
        onNote: (note) => this.update({ notes: [...(this.job.notes ?? []), note] }),
        check: { providers: this.opts.providers() },
      })
      .then(
        () => this.update({ state: 'idle', installed: id }),
        (e: Error) =>
          this.update({
            state: 'idle',
            error: controller.signal.aborted ? 'download cancelled; pull again to resume' : e.message,
          }),
      )
      .finally(() => {
        if (this.abort === controller) this.abort = null;
      });
    return this.job;
  }

  cancel(): ModelPullJob {
    if (this.abort) {
      this.abort.abort();
      this.update({ state: 'cancelling' });
    }
    return this.job;
  }

  /** Stops a download in progress (its finished files stay for the next pull to resume). */
  close(): void {
    this.abort?.abort();
  }

  private update(next: Partial<ModelPullJob>): void {
    this.job = { ...this.job, ...next };
    this.opts.emit('modelPull', this.job);
  }
}
