import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config';

describe('SWITCHYARD_CONNECTION_WAIT_LIMIT', () => {
  it('defaults to 72 h and parses durations to milliseconds', () => {
    expect(parseConfig({}).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(72 * 3_600_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '2h' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(7_200_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '7d' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(7 * 86_400_000);
    expect(parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: '90m' }).SWITCHYARD_CONNECTION_WAIT_LIMIT).toBe(5_400_000);
  });

  it.each(['0h', '72', 'soon', '-1h', '1.5h'])('rejects %j naming the variable and the value', (value) => {
    expect(() => parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: value })).toThrow(ConfigError);
    expect(() => parseConfig({ SWITCHYARD_CONNECTION_WAIT_LIMIT: value })).toThrow(
      `SWITCHYARD_CONNECTION_WAIT_LIMIT: expected a positive duration like 72h, 3d or 30m, got ${JSON.stringify(value)}`,
    );
  });
});
