import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config';

describe('SWITCHYARD_WORKER_CACHED_RUNS and SWITCHYARD_WORKER_CONCURRENT_CALLS', () => {
  it('default to 200 cached runs and 100 calls at once', () => {
    const config = parseConfig({});
    expect(config.SWITCHYARD_WORKER_CACHED_RUNS).toBe(200);
    expect(config.SWITCHYARD_WORKER_CONCURRENT_CALLS).toBe(100);
  });

  it('parse whole numbers', () => {
    const config = parseConfig({ SWITCHYARD_WORKER_CACHED_RUNS: '50', SWITCHYARD_WORKER_CONCURRENT_CALLS: '20' });
    expect(config.SWITCHYARD_WORKER_CACHED_RUNS).toBe(50);
    expect(config.SWITCHYARD_WORKER_CONCURRENT_CALLS).toBe(20);
  });

  it.each(['1', '0', '-5', '2.5', 'many'])('refuses a cache of %j runs, naming the variable (the SDK needs at least 2)', (value) => {
    expect(() => parseConfig({ SWITCHYARD_WORKER_CACHED_RUNS: value })).toThrow('SWITCHYARD_WORKER_CACHED_RUNS: expected');
  });

  it.each(['0', '1.5', 'ten'])('refuses %j calls at once, naming the variable', (value) => {
    expect(() => parseConfig({ SWITCHYARD_WORKER_CONCURRENT_CALLS: value })).toThrow('SWITCHYARD_WORKER_CONCURRENT_CALLS: expected');
  });
});
