import { parseDuration } from '../../workflows/duration';
import type { SyncSideName, SyncSidePlan, SyncTranscriptsPlan } from '../../workflows/sync-plan';
import { didYouMean, type PathSegment } from '../recipe/diagnostics';

type Report = (path: PathSegment[], message: string, suggestion?: string) => void;

/** What a transcript may become on each CRM, the first being the default, and the objects it can be attached to. */
const targets: Record<string, { as: readonly SyncTranscriptsPlan['as'][]; objects: Partial<Record<SyncTranscriptsPlan['as'], readonly string[]>> }> = {
  salesforce: { as: ['Task', 'Case'], objects: { Task: ['Contact', 'Lead'], Case: ['Contact'] } },
  hubspot: { as: ['note'], objects: { note: ['contacts'] } },
  pipedrive: { as: ['note'], objects: { note: ['person'] } },
};

/**
 * The `conversations` of a sync definition ("notes", or `{ to, as, on, poll }`) → where, as what and
 * when each closed Intercom conversation's transcript is written, or diagnostics at
 * `conversations…`. `pollMs` 0 means "the sync's own poll interval" (the caller fills it in).
 * Undefined when the definition has no `conversations` or it is wrong.
 */
export function compileTranscripts(raw: Record<string, unknown>, sides: Record<SyncSideName, SyncSidePlan>, error: Report): SyncTranscriptsPlan | undefined {
  const value = raw.conversations;
  if (value === undefined) return undefined;
  const given = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { to?: unknown; as?: unknown; on?: unknown; poll?: unknown }) : {};
  if (value !== 'notes' && value !== given) return undefined; // neither form: the schema reported it
  const intercom = (['left', 'right'] as const).filter((s) => sides[s].connector === 'intercom');
  if (intercom.length === 0) return void error(['conversations'], '"conversations" copies Intercom conversations; neither side is an Intercom connection');
  for (const s of intercom) {
    if (sides[s].object !== 'contact') return void error(['conversations'], `"conversations" goes with Intercom contacts (a conversation belongs to a contact), not ${sides[s].object}`);
  }
  const to: SyncSideName = given.to === 'left' || given.to === 'right' ? given.to : intercom[0] === 'left' ? 'right' : 'left';
  const target = sides[to];
  if (target.connector === 'intercom') return void error(['conversations', ...(given.to !== undefined ? ['to'] : [])], `conversations are copied from Intercom to the other side; the ${to} side is Intercom too`);
  const kinds = targets[target.connector];
  if (!kinds) return void error(['conversations', 'to'], `${target.connector} cannot hold conversation transcripts`);
  const as = typeof given.as === 'string' ? (given.as as SyncTranscriptsPlan['as']) : kinds.as[0]!;
  if (!kinds.as.includes(as)) {
    return void error(['conversations', 'as'], `${target.connector} takes a transcript as ${kinds.as.map((k) => `"${k}"`).join(' or ')}, not "${as}"`, didYouMean(as, kinds.as, (c) => `"${c}"`) ?? `use "${kinds.as[0]}"`);
  }
  const objects = kinds.objects[as] ?? [];
  if (!objects.includes(target.object)) {
    return void error(['conversations', ...(given.as !== undefined ? ['as'] : [])], `a ${target.connector} ${as} is attached to ${objects.join(' or ')} records; the ${to} side syncs ${target.object}`);
  }
  const pollMs = typeof given.poll === 'string' ? (parseDuration(given.poll) ?? 0) : 0;
  return { to, as, on: 'closed', pollMs };
}
