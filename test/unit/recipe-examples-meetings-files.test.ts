import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionCatalog } from '../../connectors/registry';
import { dryRun } from '../../src/recipe/dry-run';
import { eventFromFixture } from '../../src/recipe/fixture-event';
import { planMatchesEvent } from '../../src/recipe/match';
import { loadRecipes } from '../../src/runtime/recipe-files';
import type { Plan } from '../../workflows/plan';
import { testConnections } from '../support/test-catalog';

const recipesDir = path.resolve(__dirname, '../../recipes');

function load(name: string): { plan: Plan; payload: Record<string, unknown> } {
  const [loaded] = loadRecipes([path.join(recipesDir, `${name}.json`)], actionCatalog, testConnections);
  if (!loaded?.result.ok) throw new Error(JSON.stringify(loaded?.result.diagnostics));
  return { plan: loaded.result.plan, payload: JSON.parse(readFileSync(path.join(recipesDir, 'fixtures', `${name}.event.json`), 'utf8')) as Record<string, unknown> };
}

/** The Zoom and Google Drive example recipes, dry-run with their fixtures against the real action schemas. */
describe('meeting and file example recipes', () => {
  it('zoom-meeting-summary-to-slack: the Slack text from the meeting.ended object; a two-minute-short call does not match', async () => {
    const { plan, payload } = load('zoom-meeting-summary-to-slack');
    const event = eventFromFixture(plan, payload, 'meeting.ended');
    expect(planMatchesEvent(plan, { ...event, source: 'zoom-main' })).toBe(true);
    const result = await dryRun(plan, event, { catalog: actionCatalog });
    expect(result.summary.status).toBe('succeeded');
    expect(result.summary.steps.summary?.input).toEqual({ channel: '#support-calls', text: 'Call ended: Onboarding: Acme (32 min, 15:00–15:32 UTC), meeting 85746065432' });
    (payload.payload as { object: { duration: number } }).object.duration = 1;
    expect(planMatchesEvent(plan, eventFromFixture(plan, payload, 'meeting.ended'))).toBe(false);
  });

  it('weekly-conversations-to-drive: a Monday schedule; the export covers the 7 days before the firing and its CSV becomes a dated Drive file', async () => {
    const { plan, payload } = load('weekly-conversations-to-drive');
    expect(plan.trigger).toMatchObject({ type: 'schedule', cron: '0 7 * * 1', timezone: 'Europe/Berlin' });
    const csv = 'message_id,conversation_id,user_id,received_at\n1,147,u1,1764230400\n';
    const result = await dryRun(plan, eventFromFixture(plan, payload), { catalog: actionCatalog, outputs: { export: { jobIdentifier: 'job1', status: 'completed', csv, rows: 1 } } });
    expect(result.summary.status).toBe('succeeded');
    const scheduledAt = Date.parse('2026-11-30T06:00:00Z') / 1000;
    expect(result.summary.steps.export?.input).toEqual({ createdAfter: scheduledAt - 7 * 86400, createdBefore: '2026-11-30T06:00:00Z' });
    expect(result.summary.steps.file?.input).toEqual({ name: 'conversations-2026-11-30.csv', folderId: '0AFolderReports', mimeType: 'text/csv', content: { text: csv } });

    const empty = await dryRun(plan, eventFromFixture(plan, payload), { catalog: actionCatalog, outputs: { export: { jobIdentifier: 'job2', status: 'no_data', csv: '', rows: 0 } } });
    expect(empty.summary.steps.file?.status).toBe('skipped');
  });
});
