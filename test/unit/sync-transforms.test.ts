import { describe, expect, it } from 'vitest';
import { transforms } from '../../src/sync/transforms';

const t = transforms;

describe('sync transforms', () => {
  it('splitName puts the last word in LastName (required by Salesforce) and joinName reverses it', () => {
    expect(t.splitName.toRight(['Ada King Lovelace'], {})).toEqual({ ok: true, values: ['Ada King', 'Lovelace'] });
    expect(t.splitName.toRight(['  Plato '], {})).toEqual({ ok: true, values: [null, 'Plato'] });
    expect(t.splitName.toRight([null], {})).toEqual({ ok: true, values: [null, null] });
    expect(t.splitName.toLeft(['Ada', 'Lovelace'], {})).toEqual({ ok: true, values: ['Ada Lovelace'] });
    expect(t.splitName.toLeft([null, 'Plato'], {})).toEqual({ ok: true, values: ['Plato'] });
    expect(t.splitName.toRight([42], {})).toEqual({ ok: false, reason: 'expected a name (text), got number 42' });
    expect(t.joinName.toRight(['Ada', 'Lovelace'], {})).toEqual({ ok: true, values: ['Ada Lovelace'] });
    expect(t.joinName.toLeft(['Ada Lovelace'], {})).toEqual({ ok: true, values: ['Ada', 'Lovelace'] });
  });

  it('number, string and boolean coerce or fail explicitly, never to NaN or a guess', () => {
    expect(t.number.toRight(['42.5'], {})).toEqual({ ok: true, values: [42.5] });
    expect(t.number.toRight([' 7 '], {})).toEqual({ ok: true, values: [7] });
    expect(t.number.toRight([''], {})).toEqual({ ok: true, values: [null] });
    expect(t.number.toRight(['12abc'], {})).toEqual({ ok: false, reason: 'not a number: "12abc"' });
    expect(t.number.toLeft([true], {})).toEqual({ ok: false, reason: 'not a number: true' });
    expect(t.string.toRight([42], {})).toEqual({ ok: true, values: ['42'] });
    expect(t.string.toLeft([false], {})).toEqual({ ok: true, values: ['false'] });
    expect(t.boolean.toRight(['Yes'], {})).toEqual({ ok: true, values: [true] });
    expect(t.boolean.toRight([0], {})).toEqual({ ok: true, values: [false] });
    expect(t.boolean.toLeft(['maybe'], {})).toEqual({ ok: false, reason: 'not a yes/no value: "maybe"' });
  });

  it('date and datetime map Intercom unix seconds to ISO and back', () => {
    expect(t.date.toRight([1764424800], {})).toEqual({ ok: true, values: ['2025-11-29'] });
    expect(t.date.toLeft(['2025-11-29'], {})).toEqual({ ok: true, values: [1764374400] });
    expect(t.datetime.toRight([1764424800], {})).toEqual({ ok: true, values: ['2025-11-29T14:00:00.000Z'] });
    expect(t.datetime.toLeft(['2025-11-29T14:00:00.000+0000'], {})).toEqual({ ok: true, values: [1764424800] });
    expect(t.date.toLeft(['next tuesday'], {})).toEqual({ ok: false, reason: 'not a date: "next tuesday"' });
  });

  it('every entry is a whole definition (date and datetime included)', () => {
    for (const d of Object.values(t)) {
      expect(d.description.length).toBeGreaterThan(0);
      expect(typeof d.toRight).toBe('function');
      expect(typeof d.toLeft).toBe('function');
    }
    expect(t.date.kinds).toEqual({ left: 'number', right: 'date' });
    expect(t.datetime.kinds).toEqual({ left: 'number', right: 'datetime' });
  });

  it('map uses the table one way and its inverse the other; an unmapped value fails naming the known ones', () => {
    const p = { values: { pro: 'Professional', free: 'Free' } };
    expect(t.map.toRight(['pro'], p)).toEqual({ ok: true, values: ['Professional'] });
    expect(t.map.toLeft(['Free'], p)).toEqual({ ok: true, values: ['free'] });
    expect(t.map.toRight(['team'], p)).toEqual({ ok: false, reason: 'value "team" has no mapping (known: "pro", "free")' });
  });

  it('lookup translates ids through the table; Intercom numeric ids come back as numbers', () => {
    const p = { pairs: [{ left: '991267', right: '005gK000001' }] };
    expect(t.lookup.toRight([991267], p)).toEqual({ ok: true, values: ['005gK000001'] });
    expect(t.lookup.toLeft(['005gK000001'], p)).toEqual({ ok: true, values: [991267] });
    expect(t.lookup.toLeft(['005other'], p).ok).toBe(false);
  });
});
