import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/store/time-ordered-id';

describe('timeOrderedId', () => {
  it('sorts by time as text, whatever the rest', () => {
    const ids = [Date.parse('2026-12-01T00:00:01Z'), Date.parse('2026-12-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')].map((ms, n) => timeOrderedId('il_', ms, ['ff', '00', '7f'][n]!));
    expect([...ids].sort()).toEqual([ids[1], ids[0], ids[2]]);
    expect(ids[0]).toMatch(/^il_[0-9a-f]{12}ff$/);
  });

  it('puts an unreadable time first instead of writing NaN into the id', () => {
    expect(timeOrderedId('ib_', Number.NaN, 'ab')).toBe('ib_000000000000ab');
  });
});
