// The heading over a refused search, chosen by the engine's error code: a photo with no vector and a
// file that cannot be searched by are not failures of the search, and people act on each differently.

const TITLES: Record<string, string> = {
  NOT_EMBEDDED: 'This photo has no vector to search by',
  BAD_FILE: 'Glimpse cannot search by this file',
  NOT_FOUND: 'That photo is no longer in the library',
};

export function failureTitle(code: string | null): string {
  return (code !== null && Object.hasOwn(TITLES, code) && TITLES[code]) || 'Search failed';
}
