import { describe, expect, it } from 'vitest';
import { evaluateLogic, isTruthy } from '../../workflows/expr/logic';
import { renderString, renderTree, templateVariables } from '../../workflows/expr/template';

const scope = {
  trigger: { data: { item: { id: '148', count: 3, tags: [{ name: 'urgent' }, { name: 'vip' }], title: 'Checkout is down', at: 1767229200, nested: { a: 1 } } } },
  steps: { ticket: { key: 'SUP-7' } },
  run: { id: 'run/x/y' },
};

describe('templates', () => {
  it('a string that is exactly one {{ }} keeps the value type', () => {
    expect(renderString('{{ trigger.data.item.count }}', scope)).toBe(3);
    expect(renderString('{{ trigger.data.item.tags }}', scope)).toEqual([{ name: 'urgent' }, { name: 'vip' }]);
    expect(renderString('{{ trigger.data.item.nested }}', scope)).toEqual({ a: 1 });
    expect(renderString('{{ trigger.data.item.missing }}', scope)).toBeUndefined();
  });

  it('interpolates inside longer strings', () => {
    expect(renderString('Created {{ steps.ticket.key }} for {{ trigger.data.item.id }}', scope)).toBe('Created SUP-7 for 148');
  });

  it('has the filters the language promises', () => {
    expect(renderString('{{ trigger.data.item.missing | default: "none" }}', scope)).toBe('none');
    expect(renderString('x{{ trigger.data.item.nested | json }}', scope)).toBe('x{"a":1}');
    expect(renderString('{{ trigger.data.item.title | upper }} {{ trigger.data.item.title | lower }}', scope)).toBe('CHECKOUT IS DOWN checkout is down');
    expect(renderString('{{ trigger.data.item.tags | map: "name" | join: ", " }}', scope)).toBe('urgent, vip');
    expect(renderString('{{ trigger.data.item.at | date: "%Y-%m-%d %H:%M" }}', scope)).toBe('2026-01-01 01:00');
    expect(renderString('{{ trigger.data.item.title | truncate: 8 }}', scope)).toBe('Check...');
  });

  it('renders every string of a JSON tree and drops undefined values', () => {
    expect(renderTree({ a: ['{{ steps.ticket.key }}', 2], b: { c: '{{ trigger.data.item.count }}' }, d: '{{ nope }}' }, scope)).toEqual({ a: ['SUP-7', 2], b: { c: 3 } });
  });

  it('does not read prototypes', () => {
    expect(renderString('{{ trigger.constructor }}', scope)).toBeUndefined();
    expect(renderString('{{ trigger.__proto__ }}', scope)).toBeUndefined();
  });

  it('lists the variables a template reads, for the compiler', () => {
    expect(templateVariables('{{ steps.ticket.key }} {{ trigger.x | default: run.id }}')).toEqual([
      ['steps', 'ticket', 'key'],
      ['trigger', 'x'],
      ['run', 'id'],
    ]);
  });
});

describe('conditions (json-logic)', () => {
  it('evaluates over { trigger, steps, item, run }', () => {
    const when = { some: [{ var: 'trigger.data.item.tags' }, { '==': [{ var: 'name' }, 'urgent'] }] };
    expect(isTruthy(evaluateLogic(when, scope))).toBe(true);
    expect(evaluateLogic({ '==': [{ var: 'steps.ticket.key' }, 'SUP-7'] }, scope)).toBe(true);
  });

  it('has no log operation', () => {
    expect(() => evaluateLogic({ log: 'x' }, scope)).toThrow(/Unrecognized operation log/);
  });

  it('refuses var paths through __proto__, constructor and prototype at run time too', () => {
    expect(() => evaluateLogic({ var: 'trigger.__proto__' }, scope)).toThrow(/not allowed/);
    expect(() => evaluateLogic({ var: 'trigger.constructor.name' }, scope)).toThrow(/not allowed/);
    expect(() => evaluateLogic({ var: ['prototype', 1] }, scope)).toThrow(/not allowed/);
  });

  it('reads own properties only', () => {
    expect(evaluateLogic({ var: ['trigger.toString', 'fallback'] }, scope)).toBe('fallback');
  });
});
