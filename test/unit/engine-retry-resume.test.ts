import { describe, expect, it } from 'vitest';
import { keyedRetryId, resumeAtFailedStep, RetryRunError } from '../../src/engine/retry-run';
import type { RunSummary, StepState } from '../../workflows/plan';
import { planOf, recipeWith } from '../support/recipes';

const say = (id: string, text = 'x') => ({ id, action: 'slack.postMessage', connection: 'slack-main', input: { channel: '#c', text } });
const branch = (id: string, inner: unknown[]) => ({ id, branch: [{ when: { '==': [1, 1] }, steps: inner }] });
const ok = (ts: string): StepState => ({ status: 'succeeded', attempts: 1, output: { ok: true, channel: 'C', ts } });

function failedAt(stepId: string, steps: Record<string, StepState>): RunSummary {
  return { recipeId: 'test-recipe', version: 'v1', status: 'failed', steps, error: { stepId, kind: 'InvalidInput', message: 'channel_not_found' } };
}

function refusal(fn: () => unknown): RetryRunError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RetryRunError) return err;
    throw err;
  }
  throw new Error('expected a RetryRunError');
}

describe('resumeAtFailedStep (retry from the failed step)', () => {
  it('keeps the states of the steps before the failed one, also those nested in a finished branch', () => {
    const plan = planOf(recipeWith([say('a'), branch('route', [say('inner')]), say('b'), say('c')]));
    const summary = failedAt('b', {
      a: ok('1'),
      route: { status: 'succeeded', output: { case: 0 } },
      inner: ok('2'),
      b: { status: 'failed', error: { kind: 'InvalidInput', message: 'channel_not_found' } },
      c: { status: 'skipped' },
    });
    expect(resumeAtFailedStep('run/x', plan, plan, summary)).toEqual({
      retryOf: 'run/x',
      fromStepId: 'b',
      steps: { a: ok('1'), route: { status: 'succeeded', output: { case: 0 } }, inner: ok('2') },
    });
  });

  it('a failure inside a branch resumes at the branch (its earlier nested steps run again)', () => {
    const plan = planOf(recipeWith([say('a'), branch('route', [say('first'), say('second')])]));
    const summary = failedAt('second', { a: ok('1'), route: { status: 'succeeded', output: { case: 0 } }, first: ok('2'), second: { status: 'failed' } });
    expect(resumeAtFailedStep('run/x', plan, plan, summary)).toEqual({ retryOf: 'run/x', fromStepId: 'route', steps: { a: ok('1') } });
  });

  it('refuses when a step before the failed one was removed, added or changed kind, naming it and suggesting from start', () => {
    const original = planOf(recipeWith([say('a'), say('b'), say('c')]));
    const summary = failedAt('c', { a: ok('1'), b: ok('2'), c: { status: 'failed' } });
    const removed = refusal(() => resumeAtFailedStep('run/x', original, planOf(recipeWith([say('a'), say('c')])), summary));
    expect(removed).toMatchObject({ reason: 'conflict', code: 'recipe_changed', details: { stepId: 'b', suggestion: { from: 'start' } } });
    expect(removed.message).toBe('step b was removed before the failed step c since run run/x; kept outputs would not fit — retry from the start');
    const added = refusal(() => resumeAtFailedStep('run/x', original, planOf(recipeWith([say('a'), say('b'), say('new'), say('c')])), summary));
    expect(added.message).toMatch(/^step new was added before the failed step c/);
    const kind = refusal(() => resumeAtFailedStep('run/x', original, planOf(recipeWith([say('a'), { id: 'b', delay: '1m' }, say('c')])), summary));
    expect(kind.message).toMatch(/^step b changed from action to delay before the failed step c/);
    const gone = refusal(() => resumeAtFailedStep('run/x', original, planOf(recipeWith([say('a'), say('b')])), summary));
    expect(gone).toMatchObject({ code: 'recipe_changed', details: { stepId: 'c' } });
    expect(gone.message).toBe('step c (where run run/x failed) is no longer in recipe test-recipe; retry from the start');
  });

  it('a fix to the failed step itself or to later steps is fine', () => {
    const original = planOf(recipeWith([say('a'), say('b', 'bad'), say('c')]));
    const fixed = planOf(recipeWith([say('a'), say('b', 'good'), say('c', 'changed too')]));
    const summary = failedAt('b', { a: ok('1'), b: { status: 'failed' }, c: { status: 'skipped' } });
    expect(resumeAtFailedStep('run/x', original, fixed, summary)).toEqual({ retryOf: 'run/x', fromStepId: 'b', steps: { a: ok('1') } });
  });
});

describe('keyedRetryId', () => {
  it('is stable per run and key, differs across either, and hangs off the root run', () => {
    const id = keyedRetryId('run/r/abc', 'key-1');
    expect(id).toMatch(/^run\/r\/abc-retry-k[0-9a-f]{16}$/);
    expect(keyedRetryId('run/r/abc', 'key-1')).toBe(id);
    expect(keyedRetryId('run/r/abc', 'key-2')).not.toBe(id);
    expect(keyedRetryId('run/r/abc-retry-1', 'key-1')).toMatch(/^run\/r\/abc-retry-k[0-9a-f]{16}$/);
    expect(keyedRetryId('run/r/abc-retry-1', 'key-1')).not.toBe(id);
    expect(keyedRetryId(id, 'key-1')).toMatch(/^run\/r\/abc-retry-k[0-9a-f]{16}$/);
  });
});
