import { describe, expect, it } from 'vitest';
import { runRecipe } from '../../workflows/run-recipe';
import { runRecipeWorkflowType, runsQuery } from '../../src/temporal/run-query';

describe('the run workflow type and its visibility query', () => {
  it('names the exported workflow function, so a rename cannot silently split starters from the worker', () => {
    expect(runRecipe.name).toBe(runRecipeWorkflowType);
  });

  it('lists every recipe run when no filter is given', () => {
    expect(runsQuery()).toBe(`WorkflowType = "runRecipe"`);
  });

  it('narrows by each filter, AND-ed in one fixed order', () => {
    expect(runsQuery({ status: 'waiting', connectionId: 'jira-main' })).toBe(
      `WorkflowType = "runRecipe" AND ExecutionStatus = 'Running' AND RunStatus = 'waiting' AND ConnectionIds = "jira-main"`,
    );
    expect(runsQuery({ open: true, connectionId: 'slack' })).toBe(`WorkflowType = "runRecipe" AND ExecutionStatus = 'Running' AND ConnectionIds = "slack"`);
    expect(runsQuery({ recipeId: 'urgent', event: 'conversation.user.created', startedSince: new Date('2026-11-27T08:00:00Z') })).toBe(
      `WorkflowType = "runRecipe" AND RecipeId = "urgent" AND TriggerEvent = "conversation.user.created" AND StartTime >= "2026-11-27T08:00:00.000Z"`,
    );
    expect(runsQuery({ taskQueue: 'q', closed: { after: '2026-01-01T00:00:00.000Z', until: '2026-01-01T00:01:00.000Z' } })).toBe(
      `WorkflowType = "runRecipe" AND TaskQueue = "q" AND CloseTime > "2026-01-01T00:00:00.000Z" AND CloseTime <= "2026-01-01T00:01:00.000Z"`,
    );
  });

  it('quotes values, so a quote inside one cannot end the literal', () => {
    expect(runsQuery({ connectionId: `x" OR WorkflowType = "y` })).toBe(`WorkflowType = "runRecipe" AND ConnectionIds = "x\\" OR WorkflowType = \\"y"`);
  });
});
