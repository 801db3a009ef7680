import { describe, expect, it } from 'vitest';
import type { Plan } from '../../workflows/plan';
import { referencedTriggerPaths } from '../../workflows/trigger-payload';
import { projectPaths } from '../../workflows/trigger-payload-contract';

const plan = (when: unknown, steps: unknown[]) => ({ when, steps }) as unknown as Pick<Plan, 'when' | 'steps'>;

describe('referenced trigger paths', () => {
  it('collects template variables and json-logic vars, not iterator bodies or other roots', () => {
    const p = plan({ some: [{ var: 'trigger.data.item.tags' }, { '==': [{ var: 'name' }, 'urgent'] }] }, [
      { id: 'a', kind: 'action', when: { '>': [{ var: 'trigger.data.count' }, 1] }, input: { s: 'Hi {{ trigger.data.item.subject | upcase }}', k: '{{ steps.x.key }}' } },
      { id: 'b', kind: 'branch', cases: [{ when: { var: 'trigger.flag' }, steps: [{ id: 'c', kind: 'delay', until: '{{ trigger.data.due }}' }] }] },
      { id: 'd', kind: 'forEach', items: '{{ trigger.data.list }}', steps: [{ id: 'e', input: { v: '{{ item.name }}' } }] },
    ]);
    expect(referencedTriggerPaths(p)).toEqual([['data', 'item', 'tags'], ['data', 'count'], ['data', 'item', 'subject'], ['flag'], ['data', 'due'], ['data', 'list']]);
  });

  it('needs the whole trigger for dynamic references', () => {
    expect(referencedTriggerPaths(plan({ var: { cat: ['trigger.', 'x'] } }, []))).toBeNull();
    expect(referencedTriggerPaths(plan({ missing: ['trigger.a'] }, []))).toBeNull();
    expect(referencedTriggerPaths(plan(undefined, [{ input: { all: '{{ trigger }}' } }]))).toBeNull();
    expect(referencedTriggerPaths(plan({ var: '' }, []))).toBeNull();
    // Inside an iterator "" is the element: no dynamic read of the trigger.
    expect(referencedTriggerPaths(plan({ some: [{ var: 'trigger.tags' }, { '==': [{ var: '' }, 'x'] }] }, []))).toEqual([['tags']]);
    // A computed index keeps the subtree up to it.
    expect(referencedTriggerPaths(plan(undefined, [{ input: { v: '{{ trigger.data.items[steps.a.i] }}' } }]))).toEqual([['data', 'items']]);
  });
});

describe('projectPaths', () => {
  const value = { data: { item: { subject: 's', blob: 'x'.repeat(10), list: [{ a: 1, b: 2 }, { a: 3 }] }, other: 1 }, top: true };
  it('keeps only the paths, with their structure', () => {
    expect(projectPaths(value, [['data', 'item', 'subject'], ['top']])).toEqual({ data: { item: { subject: 's' } }, top: true });
    expect(projectPaths(value, [['data', 'item', 'list']])).toEqual({ data: { item: { list: value.data.item.list } } });
    expect(projectPaths(value, [['data', 'item', 'list', '0', 'a']])).toEqual({ data: { item: { list: [{ a: 1 }] } } });
    expect(projectPaths(value, [['data', 'item'], ['data', 'item', 'subject']])).toEqual({ data: { item: value.data.item } });
  });
  it('ignores missing paths and never walks the prototype', () => {
    expect(projectPaths(value, [['nope', 'x'], ['data', 'constructor']])).toEqual({});
    expect(projectPaths(value, null)).toBe(value);
  });
});
