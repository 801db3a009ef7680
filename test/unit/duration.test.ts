import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../workflows/duration';
import { durationMs } from '../../src/recipe/duration';
import { parseConfig } from '../../src/config/config';

describe('the one duration grammar', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['3d', 259_200_000],
    ['1w', 604_800_000],
    ['0s', 0],
  ])('parses %j to %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '1.5h', '-1h', '10 m', '10M', '1y', '', '99999999999999999w'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [1500, '1500ms'],
    [45_000, '45s'],
    [5_400_000, '90m'],
    [7_200_000, '2h'],
    [86_400_000, '24h'],
    [259_200_000, '3d'],
  ])('formats %d ms as %j, which parses back to the same value', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('gives settings and API fields the same grammar, with zero refused where it is meaningless', () => {
    expect(durationMs().parse('1w')).toBe(604_800_000);
    expect(durationMs().parse('0s')).toBe(0);
    expect(durationMs({ positive: true }).safeParse('0s').error?.issues[0]?.message).toBe('expected a duration above 0, e.g. "72h"');
    expect(durationMs({ positive: true }).safeParse('90 days').error?.issues[0]?.message).toMatch(/^expected a duration: a whole number and a unit/);
    expect(parseConfig({ SWITCHYARD_HTTP_REQUEST_TIMEOUT: '1500ms' }).SWITCHYARD_HTTP_REQUEST_TIMEOUT).toBe(1500);
    expect(parseConfig({ SWITCHYARD_TOKEN_ROTATION_GRACE: '1w' }).SWITCHYARD_TOKEN_ROTATION_GRACE).toBe(604_800_000);
  });
});
