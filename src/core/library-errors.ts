// What a library operation refuses, one class per kind of refusal, each with the code that crosses to
// the window (ErrorData.code) so the app and the CLI can tell them apart without reading messages.

/** A path that is not a folder the operation can take: missing, a file, already inside a library
 *  folder, not in the library, or no folders at all. */
export class FolderError extends Error {
  readonly code = 'BAD_FOLDER';
}

/** A photo id the catalog does not know (deleted since it was shown, or never there). */
export class PhotoNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly photoId: number) {
    super(`no photo with id ${photoId}`);
  }
}

/** A library photo the model in use has no vector for, so nothing can be searched by it: it could not
 *  be indexed, or it was indexed with another model and has not been embedded with this one yet. */
export class PhotoNotEmbeddedError extends Error {
  readonly code = 'NOT_EMBEDDED';
  constructor(
    readonly photoId: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A change asked of a library opened read-only beside the Glimpse that holds it. */
export class ReadOnlyLibraryError extends Error {
  readonly code = 'LIBRARY_READ_ONLY';
}
