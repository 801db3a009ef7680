import { describe, expect, it } from 'vitest';
import { compileRecipe } from '../../src/recipe/compile';
import { planMatchesEvent } from '../../src/recipe/match';
import { evaluateLogic, isTruthy, logicBudget, LogicBudgetError } from '../../workflows/expr/logic';
import { renderString, renderTree, templateMemoryLimit } from '../../workflows/expr/template';
import { testCatalog, testConnections } from '../support/test-catalog';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Doubles `[1]` once per element of `over`: 2^n elements at the end. */
const doubling = (over: unknown) => ({ reduce: [over, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] });
/** Doubles a string once per element of `over`. */
const stringDoubling = (over: unknown) => ({ reduce: [over, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'ab'] });

describe('json-logic within a budget', () => {
  it('a reduce that doubles an array 30 times stops at the array cap', () => {
    expect(() => evaluateLogic(doubling(range(30)), {})).toThrow(LogicBudgetError);
    expect(() => evaluateLogic(doubling(range(30)), {})).toThrow(`"merge" built an array of 16384 elements; conditions may build at most ${logicBudget.arrayLength}`);
  });

  it('a reduce that doubles a string stops at the string cap', () => {
    expect(() => evaluateLogic(stringDoubling(range(40)), {})).toThrow(/"cat" built a string of \d+ characters; conditions may build at most 100000/);
  });

  it('too many evaluation steps stop the condition', () => {
    // 3,000 × 100 = 300,000 inner evaluations: every element maps over a 100-element list.
    const data = { outer: range(3_000), inner: range(100) };
    const nested = { map: [{ var: 'outer' }, { map: [[...range(100)], { '+': [{ var: '' }, 1] }] }] };
    expect(() => evaluateLogic(nested, data)).toThrow(`the condition needs more than ${logicBudget.steps} evaluation steps`);
  });

  it('the budget is per evaluation: a failed one does not spend the next one', () => {
    expect(() => evaluateLogic(doubling(range(30)), {})).toThrow(LogicBudgetError);
    expect(evaluateLogic({ '==': [1, 1] }, {})).toBe(true);
  });

  it('large data is not a budget breach: only what a condition builds is measured', () => {
    const tags = range(50_000).map((i) => ({ name: `t${i}` }));
    const when = { some: [{ var: 'trigger.tags' }, { '==': [{ var: 'name' }, 't49999'] }] };
    expect(isTruthy(evaluateLogic(when, { trigger: { tags } }))).toBe(true);
    expect(evaluateLogic({ merge: [[1, 2], [3]] }, {})).toEqual([1, 2, 3]);
  });
});

describe('templates within a memory limit', () => {
  const text = 'a'.repeat(5_000);

  it('a filter chain that squares a payload fails instead of allocating 25 M characters', () => {
    expect(() => renderString('{{ trigger.text | replace: "a", trigger.text }}', { trigger: { text } })).toThrow(/memory alloc limit exceeded/);
    expect(() => renderTree({ body: 'x {{ trigger.text | split: "" | join: trigger.text }}' }, { trigger: { text } })).toThrow(/memory alloc limit exceeded/);
  });

  it('ordinary renders stay well inside it', () => {
    expect(renderString('{{ trigger.text | append: "!" | size }}', { trigger: { text } })).toBe(5_001);
    expect(templateMemoryLimit).toBeGreaterThan(1_000_000);
  });
});

describe('the compiler rejects conditions that exceed the budget whatever the event', () => {
  const recipe = (when: unknown) => ({
    id: 'expensive',
    name: 'Expensive',
    trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
    when,
    steps: [{ id: 'notify', action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text: 'hi' } }],
  });

  it('a literal doubling is a diagnostic at its path', () => {
    const result = compileRecipe(recipe(doubling(range(30))), { actions: testCatalog, connections: testConnections });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ path: 'when', severity: 'error', message: `this condition is too expensive to evaluate: "merge" built an array of 16384 elements; conditions may build at most ${logicBudget.arrayLength}` }),
    );
  });

  it('a condition that is only expensive on some data compiles, and the ingress does not match it rather than crash', () => {
    const result = compileRecipe(recipe(doubling({ var: 'trigger.data.item.tags.tags' })), { actions: testCatalog, connections: testConnections });
    expect(result.diagnostics).toEqual([]);
    if (!result.ok) throw new Error('expected the recipe to compile');
    const event = { source: 'intercom-main', topic: 'conversation.user.created', payload: { data: { item: { tags: { tags: range(30) } } } } };
    expect(planMatchesEvent(result.plan, event)).toBe(false);
    expect(planMatchesEvent(result.plan, { ...event, payload: { data: { item: { tags: { tags: range(3) } } } } })).toBe(true);
  });
});
