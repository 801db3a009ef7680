import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config';

describe('SWITCHYARD_CONNECTION_WAIT_LIMIT', () => {
  it('defaults to 72 h and parses durations to milliseconds', () => {
    expect(parseConfig({}).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(72 * 3_600_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '2h' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(7_200_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '7d' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(7 * 86_400_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '90m' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(5_400_000);
  });

  it.each(['72', 'soon', '-1h', '1.5h', '72 h'])('rejects %j naming the variable, the grammar and the value', (value) => {
    expect(() => parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: value })).toThrow(ConfigError);
    expect(() => parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: value })).toThrow(
      `SWITCHYARD_CONNECTION_WAIT_LIMIT: expected a duration: a whole number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m" or "72h", got ${JSON.stringify(value)}`,
    );
  });

  it('rejects a zero wait limit, which would fail every waiting step at once', () => {
    expect(() => parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '0h' })).toThrow('SWITCHYARD_CONNECTION_WAIT_LIMIT: expected a duration above 0, e.g. "72h", got "0h"');
  });
});
