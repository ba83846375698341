import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EVENT_NAMES, MAIN_COMMANDS } from './contract';
import { commandArgs, parseArgs } from './contract-schemas';

describe('the IPC contract', () => {
  it('has an argument schema for every command and nothing else', () => {
    expect(Object.keys(commandArgs).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of MAIN_COMMANDS) expect(COMMAND_NAMES).toContain(name);
    expect(EVENT_NAMES).toContain('indexJob');
  });

  it('accepts well-formed arguments', () => {
    expect(
      parseArgs('searchText', ['red sofa', { limit: 50, sort: 'date', filters: { formats: ['jpeg'] } }]),
    ).toEqual(['red sofa', { limit: 50, sort: 'date', filters: { formats: ['jpeg'] } }]);
    expect(parseArgs('addFolder', [])).toEqual([]);
  });

  it('rejects malformed arguments naming the command and the field', () => {
    expect(() => parseArgs('searchText', ['', {}])).toThrow(/searchText: argument 0/);
    expect(() => parseArgs('searchText', ['x', { limit: -1 }])).toThrow(/searchText: argument 1\.limit/);
    expect(() => parseArgs('searchText', ['x', { filters: { sql: 'DROP TABLE photos' } }])).toThrow(
      /searchText: argument 1\.filters/,
    );
    expect(() => parseArgs('getPhoto', ['1'])).toThrow(/getPhoto: argument 0/);
    expect(() => parseArgs('openPhoto', [1, 2])).toThrow(/openPhoto/);
    expect(() => parseArgs('updateSettings', [{ providers: ['tpu'] }])).toThrow(
      /updateSettings: argument 0\.providers\.0/,
    );
  });
});
