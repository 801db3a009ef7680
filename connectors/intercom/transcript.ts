import { z } from 'zod';
import { htmlToText } from './html-text';

const author = z.looseObject({ type: z.string(), id: z.union([z.string(), z.number()]).nullish(), name: z.string().nullish(), email: z.string().nullish() });
const reference = z.looseObject({ type: z.string(), id: z.union([z.string(), z.number()]).nullish() });

const part = z.looseObject({
  id: z.union([z.string(), z.number()]),
  part_type: z.string(),
  body: z.string().nullish(),
  created_at: z.number(),
  author: author.nullish(),
  assigned_to: reference.nullish(),
});

/** GET /conversations/{id}: the opening message (`source`) and the parts after it. */
export const conversationWithParts = z.looseObject({
  type: z.literal('conversation'),
  id: z.union([z.string(), z.number()]),
  created_at: z.number(),
  state: z.string().nullish(),
  title: z.string().nullish(),
  source: z.looseObject({ id: z.union([z.string(), z.number()]).nullish(), subject: z.string().nullish(), body: z.string().nullish(), author: author.nullish() }).nullish(),
  conversation_parts: z.looseObject({ conversation_parts: z.array(part), total_count: z.number().optional() }).nullish(),
  contacts: z.looseObject({ contacts: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })) }).nullish(),
});

export const transcriptPart = z.object({
  id: z.string(),
  /** Intercom's `part_type` (`comment`, `note`, `assignment`, `close`…); `source` for the opening message. */
  type: z.string(),
  authorType: z.string().nullable(),
  authorName: z.string().nullable(),
  /** ISO 8601 (UTC). */
  at: z.string(),
  /** The body as plain text ('' when the part has none, e.g. a close). */
  text: z.string(),
  assignedTo: z.string().nullable(),
});
type TranscriptPart = z.output<typeof transcriptPart>;

/** What a part that is not a plain reply did, as the transcript labels it. */
const labels: Record<string, string> = {
  note: 'note',
  assignment: 'assigned',
  default_assignment: 'assigned',
  away_mode_assignment: 'assigned',
  close: 'closed the conversation',
  open: 'reopened the conversation',
  snoozed: 'snoozed the conversation',
  unsnoozed: 'unsnoozed the conversation',
};

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

function authorName(a: z.output<typeof author> | null | undefined): string | null {
  if (!a) return null;
  return a.name?.trim() || a.email?.trim() || (a.id !== undefined && a.id !== null ? `${a.type} ${a.id}` : null);
}

/** The opening message and every part, in order, as structured parts. */
export function transcriptParts(c: z.output<typeof conversationWithParts>): TranscriptPart[] {
  const parts: TranscriptPart[] = [];
  if (c.source) {
    parts.push({ id: String(c.source.id ?? c.id), type: 'source', authorType: c.source.author?.type ?? null, authorName: authorName(c.source.author), at: iso(c.created_at), text: htmlToText(c.source.body ?? ''), assignedTo: null });
  }
  for (const p of c.conversation_parts?.conversation_parts ?? []) {
    const assignee = p.assigned_to ? `${p.assigned_to.type} ${String(p.assigned_to.id ?? '')}`.trim() : null;
    parts.push({ id: String(p.id), type: p.part_type, authorType: p.author?.type ?? null, authorName: authorName(p.author), at: iso(p.created_at), text: htmlToText(p.body ?? ''), assignedTo: assignee });
  }
  return parts;
}

/** One line per part: `<ISO time> <author> (<type>) [<label>]: <text>`. */
export function renderTranscript(parts: TranscriptPart[]): string {
  return parts
    .map((p) => {
      const who = `${p.authorName ?? 'unknown'} (${p.authorType ?? 'unknown'})`;
      const base = labels[p.type] ?? (p.type === 'comment' || p.type === 'source' ? undefined : p.type);
      const label = base === 'assigned' ? `assigned to ${p.assignedTo ?? 'nobody'}` : base;
      const head = `${p.at} ${who}${label ? ` [${label}]` : ''}`;
      return p.text ? `${head}: ${p.text}` : head;
    })
    .join('\n');
}
