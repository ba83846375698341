// What can be done with an open library — folders, indexing, search, status — over one Library and
// the model's Embedder. workspace.ts composes these; the CLI and the app reach them only through it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { isInside } from './paths';
import {
  FolderError,
  PhotoNotEmbeddedError,
  PhotoNotFoundError,
  ReadOnlyLibraryError,
} from './library-errors';
import { releaseFreed, type FolderRow } from './catalog/catalog';
import { runIndex, type IndexFolder, type IndexOptions, type IndexSummary } from './indexer/indexer';
import type { Library } from './library';
import { PhotoLookup } from './photo-lookup';
import type { Embedder } from './runtime/embedder';
import { embedImageFiles } from './runtime/embed-files';
import { checkImageToSearch, ImageToSearchError } from './search/image-to-search';
import { combine, parseQuery, type QueryTerm } from './search/query';
import { Searcher, type SearchOptions, type SearchPage } from './search/search';
import { checkLibrary, type CheckOptions, type CheckReport } from './maintenance/check';
import { findDuplicates, type DuplicateOptions, type DuplicateReport } from './maintenance/duplicates';
import { pathScope } from './watch/scope';
import { watchFolders, type WatchOptions, type WatchSummary } from './watch/watcher';
import type { FailedFile, LibraryStatus } from '../shared/types';

/** A folder as the library stores it: absolute, links resolved, no trailing separator. */
export function canonicalFolder(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new FolderError(`${abs}: no such folder`);
  if (!statSync(abs).isDirectory()) throw new FolderError(`${abs}: not a folder`);
  const real = realpathSync(abs);
  return real.length > 1 && real.endsWith(sep) ? real.slice(0, -1) : real;
}

export class LibraryOps {
  readonly searcher: Searcher;
  /** Photos by catalog id: their details and thumbnails. */
  readonly photos: PhotoLookup;
  private readonly getEmbedder: () => Embedder;

  constructor(
    readonly library: Library,
    /** The model, or how to load it: status, failures and check read the library without one. */
    embedder: Embedder | (() => Embedder),
    /** PID of the Glimpse holding the library, when this one was opened read-only beside it. */
    readonly heldBy: number | null = null,
  ) {
    this.getEmbedder = typeof embedder === 'function' ? embedder : () => embedder;
    this.searcher = new Searcher(library.catalog, library.exact ?? library.vectors, library.modelId);
    this.photos = new PhotoLookup(library, () => this.embedder.bundle.preprocess);
  }

  /** Loaded on first use; throws the model's own error (no model installed, a broken bundle). */
  get embedder(): Embedder {
    return this.getEmbedder();
  }

  private writable(): void {
    if (!this.library.readOnly) return;
    const who = this.heldBy === null ? 'another Glimpse' : `PID ${this.heldBy}`;
    throw new ReadOnlyLibraryError(
      `library ${this.library.dir} is in use by ${who}: it is open read-only here; close that Glimpse to change it`,
    );
  }

  /**
   * Registers folders. A folder inside one already in the library is refused (it is indexed already);
   * a folder that contains library folders absorbs them, keeping their photos and vectors.
   */
  addFolders(paths: string[], exclude: string[] = []): FolderRow[] {
    this.writable();
    const { catalog } = this.library;
    const added: number[] = [];
    for (const raw of paths) {
      const path = canonicalFolder(raw);
      const folders = catalog.folders();
      const parent = folders.find((f) => f.path !== path && isInside(path, f.path));
      if (parent) throw new FolderError(`${path} is already in the library as part of ${parent.path}`);
      catalog.transaction(() => {
        const id = catalog.addFolder(path, exclude);
        for (const child of folders.filter((f) => f.path !== path && isInside(f.path, path)))
          catalog.absorbFolder(id, child.id);
        added.push(id);
      });
    }
    return catalog.folders().filter((f) => added.includes(f.id));
  }

  /** The library's folders, as stored (absolute, links resolved). */
  folders(): FolderRow[] {
    return this.library.catalog.folders();
  }

  /** Writes the vector index file now rather than when the library closes. */
  saveIndex(): Promise<void> {
    return this.library.saveIndex();
  }

  /** Empties the thumbnail cache (thumbnails are made again as they are shown). */
  clearThumbnails(): Promise<void> {
    return this.library.thumbnails.clear();
  }

  /** Forgets a folder and its photos (the files are untouched). */
  removeFolder(raw: string): { photos: number } {
    this.writable();
    const { catalog } = this.library;
    const path = resolve(raw);
    const folder = catalog
      .folders()
      .find((f) => f.path === path || (existsSync(path) && f.path === canonicalFolder(path)));
    if (!folder) throw new FolderError(`${path} is not a library folder`);
    const photos = catalog.reports.photoCount([folder.id]);
    const { sink, thumbnails, modelId } = this.library;
    void releaseFreed(catalog.removeFolder(folder.path), { modelId, sink, thumbnails }).catch(() => {});
    return { photos };
  }

  /** Indexes the given folders (registering new ones), or every library folder when none are given. */
  async index(paths: string[], opts: IndexOptions & { exclude?: string[] } = {}): Promise<IndexSummary> {
    this.writable();
    const { catalog } = this.library;
    if (paths.length) {
      const known = catalog.folders().map((f) => f.path);
      // A subfolder of a library folder is indexed as part of it, not added on its own.
      const fresh = paths.map(canonicalFolder).filter((p) => !known.some((k) => isInside(p, k)));
      if (fresh.length) this.addFolders(fresh, opts.exclude);
    }
    const wanted = paths.length ? new Set(paths.map(canonicalFolder)) : null;
    const folders: IndexFolder[] = catalog
      .folders()
      .filter((f) => !wanted || wanted.has(f.path) || [...wanted].some((w) => isInside(w, f.path)))
      .map((f) => ({ id: f.id, path: f.path, exclude: f.exclude }));
    if (!folders.length) throw new FolderError('the library has no folders yet: name one to index');
    return this.oneAtATime(async () => {
      try {
        return await runIndex(
          {
            catalog,
            embedder: this.embedder,
            vectors: this.library.sink,
            thumbnails: this.library.thumbnails,
          },
          folders,
          opts,
        );
      } finally {
        await this.library.saveIndex();
      }
    });
  }

  private running: Promise<unknown> = Promise.resolve();

  /** Indexing runs of one library never overlap (a full run and a watch run would diff against each
   *  other's half-written state): each waits for the one before. */
  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const next = this.running.then(run, run);
    this.running = next.catch(() => {});
    return next;
  }

  /** A text query (with arithmetic) as one normalised vector. */
  async textVector(query: string): Promise<{ vector: Float32Array; terms: QueryTerm[] }> {
    const terms = parseQuery(query);
    const vectors = await this.embedder.embedTexts(terms.map((t) => t.text));
    return {
      vector: combine(
        vectors,
        terms.map((t) => t.weight),
        vectors.length / terms.length,
      ),
      terms,
    };
  }

  async searchText(query: string, opts: SearchOptions = {}): Promise<SearchPage & { terms: QueryTerm[] }> {
    const { vector, terms } = await this.textVector(query);
    this.library.refresh();
    return { ...(await this.searcher.search(vector, opts)), terms };
  }

  /** "More like this": the photo's own vector as the query, the photo itself left out. */
  async searchPhoto(photoId: number, opts: SearchOptions = {}): Promise<SearchPage> {
    const { catalog } = this.library;
    this.library.refresh();
    const photo = catalog.photo(photoId);
    if (!photo) throw new PhotoNotFoundError(photoId);
    const label = photo.hash ? catalog.labelFor(this.library.modelId, photo.hash) : undefined;
    const stored = label !== undefined ? catalog.vector(label) : undefined;
    if (!stored)
      throw new PhotoNotEmbeddedError(
        photoId,
        photo.path,
        photo.status === 'failed'
          ? `${photo.path} could not be indexed, so there is nothing to search by: ${photo.error ?? photo.errorCode ?? 'no reason recorded'}`
          : `${photo.path} is not embedded with ${this.library.modelId} yet; indexing the library embeds it`,
      );
    return this.searcher.search(stored.vector, { ...opts, exclude: [...(opts.exclude ?? []), photoId] });
  }

  /** Search by an image file from outside (or inside) the library. */
  async searchImage(path: string, opts: SearchOptions = {}): Promise<SearchPage> {
    const file = await checkImageToSearch(path);
    const inLibrary = this.library.catalog.photoByPath(file);
    if (inLibrary?.status === 'indexed') return this.searchPhoto(inLibrary.id, opts);
    const { embeddings, failures } = await embedImageFiles(this.embedder, [file]);
    // Passed the checks but would not decode: as much a file Glimpse cannot search by as a wrong type.
    if (!embeddings[0])
      throw new ImageToSearchError(
        `${failures[0]?.file ?? file}: ${failures[0]?.reason ?? 'could not be read'}`,
      );
    this.library.refresh();
    return this.searcher.search(embeddings[0].vector, opts);
  }

  failures(limit = 1000): FailedFile[] {
    return this.library.catalog.reports.failures(limit);
  }

  async status(): Promise<LibraryStatus> {
    const { catalog, vectors } = this.library;
    this.library.refresh();
    const counts = catalog.reports.folderCounts();
    const byId = new Map(counts.map((c) => [c.id, c]));
    const folders = catalog
      .folders()
      .map((f) => ({ ...f, photos: byId.get(f.id)?.photos ?? 0, failed: byId.get(f.id)?.failed ?? 0 }));
    return {
      dir: this.library.dir,
      modelId: this.library.modelId,
      folders,
      photos: folders.reduce((s, f) => s + f.photos, 0),
      failed: folders.reduce((s, f) => s + f.failed, 0),
      vectors: catalog.vectorStats(this.library.modelId).count,
      index: {
        size: vectors.size,
        pending: vectors.pending,
        generation: vectors.generation,
        openedFrom: this.library.indexReport.from,
        reason: this.library.indexReport.reason,
      },
      thumbnails: await this.library.thumbnails.usage(),
      coverage: this.coverage(),
      ...(this.heldBy !== null && { readOnly: { heldBy: this.heldBy } }),
    };
  }

  // ---- watch mode, near-duplicates, consistency check (src/core/watch, src/core/maintenance) --------

  /**
   * Indexes only what is at these paths (files or folders inside library folders, present or gone),
   * without walking the rest of the library: watch mode's runs and check --repair. Paths outside
   * every library folder are ignored. Does not save the index file (see SAVE_EVERY_MS in watcher.ts).
   */
  async indexPaths(paths: string[], opts: IndexOptions = {}): Promise<IndexSummary> {
    this.writable();
    const { catalog } = this.library;
    const wanted = paths.map((p) => resolve(p));
    const folders: IndexFolder[] = catalog
      .folders()
      .filter((f) => wanted.some((p) => isInside(p, f.path)))
      .map((f) => ({ id: f.id, path: f.path, exclude: f.exclude }));
    return this.oneAtATime(() =>
      runIndex(
        { catalog, embedder: this.embedder, vectors: this.library.sink, thumbnails: this.library.thumbnails },
        folders,
        { ...opts, scope: pathScope(catalog, wanted) },
      ),
    );
  }

  /**
   * Keeps the library current while files change, until `opts.signal` aborts: the given folders
   * (registered if new) or every library folder, indexed in full first unless `catchUp` is false.
   */
  async watch(dirs: string[], opts: WatchOptions & { exclude?: string[] }): Promise<WatchSummary> {
    this.writable();
    const { catalog } = this.library;
    const wanted = dirs.map(canonicalFolder);
    const known = new Set(catalog.folders().map((f) => f.path));
    const fresh = wanted.filter((p) => !known.has(p));
    if (fresh.length) this.addFolders(fresh, opts.exclude);
    const folders = catalog.folders().filter((f) => !wanted.length || wanted.includes(f.path));
    if (!folders.length) throw new FolderError('the library has no folders yet: name one to watch');
    const target = {
      index: (paths: string[], o: IndexOptions) => this.index(paths, o),
      indexPaths: (paths: string[], o: IndexOptions) => this.indexPaths(paths, o),
      saveIndex: () => this.library.saveIndex(),
      pathsWithEscapedBytes: () => catalog.pathsWithEscapedBytes(),
    };
    return watchFolders(target, folders, opts);
  }

  /** Groups of near-identical photos (and exact copies) by their vectors. */
  duplicates(opts: DuplicateOptions = {}): Promise<DuplicateReport> {
    this.library.refresh();
    return findDuplicates(this.library.catalog, this.library.vectors, this.library.modelId, opts);
  }

  /** Checks that the catalog, vector index, files and thumbnails agree; `repair` fixes what is safe. */
  check(opts: CheckOptions = {}): Promise<CheckReport> {
    if (opts.repair) this.writable();
    return checkLibrary(
      {
        library: this.library,
        // Only a repair that remakes thumbnails needs the model; a plain check runs without one.
        preprocess: () => this.embedder.bundle.preprocess,
        indexPaths: (paths, o) => this.indexPaths(paths, o),
      },
      opts,
    );
  }

  /**
   * How much of the library the active model has embedded: photos indexed (under any model) and those
   * whose content has a vector for this one. Below 100 % after a model switch; `index()` with no folders
   * embeds the rest, since a photo counts as settled only with a vector for the active model.
   */
  coverage(): { modelId: string; photos: number; withVector: number } {
    const { modelId } = this.library;
    return { modelId, ...this.library.catalog.reports.coverage(modelId) };
  }
}
