import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config';

describe('SWITCHYARD_INBOUND_LOG_RETENTION', () => {
  it('keeps 7 days by default and parses durations to milliseconds', () => {
    expect(parseConfig({}).SWITCHYARD_INBOUND_LOG_RETENTION).toBe(7 * 86_400_000);
    expect(parseConfig({ SWITCHYARD_INBOUND_LOG_RETENTION: '36h' }).SWITCHYARD_INBOUND_LOG_RETENTION).toBe(36 * 3_600_000);
  });

  it.each(['0', 'off', '0s'])('turns the log off with %j (the API then records nothing)', (value) => {
    expect(parseConfig({ SWITCHYARD_INBOUND_LOG_RETENTION: value }).SWITCHYARD_INBOUND_LOG_RETENTION).toBe(0);
  });

  it('rejects a number without a unit other than 0, naming the variable', () => {
    expect(() => parseConfig({ SWITCHYARD_INBOUND_LOG_RETENTION: '7' })).toThrow('SWITCHYARD_INBOUND_LOG_RETENTION: expected a duration');
  });
});
