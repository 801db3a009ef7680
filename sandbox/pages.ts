import type { SandboxApps } from './apps';

/** Text for HTML element content and quoted attribute values. */
function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Table {
  caption: string;
  columns: string[];
  rows: unknown[][];
  empty: string;
}

interface AppPage {
  title: string;
  /** One line on what lands here, and which automation puts it there. */
  about: string;
  tables(apps: SandboxApps): Table[];
}

/** A page that shows one table. */
const onePage = (title: string, about: string, table: (apps: SandboxApps) => Table): AppPage => ({ title, about, tables: (apps) => [table(apps)] });

const pages: Record<string, AppPage> = {
  jira: onePage('Jira', 'Issues the “Urgent conversations → Jira” automation opened.', ({ jira }) => ({
    caption: 'Issues',
    columns: ['Key', 'Summary', 'Type', 'Priority', 'Labels', 'Created'],
    rows: jira.issues.map((i) => [i.key, i.fields.summary, (i.fields.issuetype as { name?: string } | undefined)?.name, (i.fields.priority as { name?: string } | undefined)?.name, (i.fields.labels as string[] | undefined)?.join(', '), i.fields.created]),
    empty: 'No issues yet: send the printed curl (a conversation tagged urgent).',
  })),
  slack: onePage('Slack', 'Messages the automations posted (new conversations, and the key of each urgent Jira issue).', ({ slack }) => ({
    caption: 'Messages',
    columns: ['Channel', 'Text', 'ts'],
    rows: slack.messages.map((m) => [`#${slack.channels.get(m.channel) ?? m.channel}`, m.text, m.ts]),
    empty: 'No messages yet.',
  })),
  mailchimp: onePage('Mailchimp', 'Audience members the “New user → Mailchimp list” automation added.', ({ mailchimp }) => ({
    caption: 'Members',
    columns: ['Audience', 'Email', 'Status', 'Merge fields', 'Tags'],
    rows: [...mailchimp.members.values()].map((m) => [m.list_id, m.email_address, m.status, m.merge_fields, m.tags.join(', ')]),
    empty: 'No members yet.',
  })),
  sheets: {
    title: 'Google Sheets',
    about: 'Rows the “Conversation closed → row in Google Sheets” automation appended.',
    tables: ({ sheets }) =>
      [...sheets.sheets].flatMap(([spreadsheet, tabs]) =>
        [...tabs].map(([tab, rows]) => ({ caption: `${tab} (spreadsheet ${spreadsheet})`, columns: (rows[0] ?? []).map(String), rows: rows.slice(1), empty: 'No rows yet.' })),
      ),
  },
  intercom: onePage('Intercom', 'The sandbox Intercom sends the signed webhooks (the printed curl, or “Send test event”); notes written back to conversations show here.', ({ intercom }) => ({
    caption: 'Conversation notes',
    columns: ['Conversation', 'Type', 'Body'],
    rows: [...intercom.conversationParts].flatMap(([id, parts]) => parts.map((p) => [id, p.part_type, p.body])),
    empty: 'No notes yet.',
  })),
};

/** The apps with a page, in the order the index lists them. */
const sandboxPageNames = Object.keys(pages);

function document(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #888;padding:.3rem .6rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:bold}a{color:#0645ad}</style>',
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}

function table(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = t.rows.length ? t.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${t.columns.length || 1}">${escapeHtml(t.empty)}</td></tr>`;
  return `<table>\n<caption>${escapeHtml(t.caption)}</caption>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

/**
 * The sandbox's own small pages: `name` undefined is the index, else one app's page (undefined when
 * there is no such app). Every value shown is escaped; no scripts, no external assets.
 */
export function sandboxPage(apps: SandboxApps, base: string, name?: string): string | undefined {
  const nav = `<nav aria-label="Sandbox apps"><a href="${escapeHtml(base)}/">All sandbox apps</a></nav>`;
  if (name === undefined) {
    const items = sandboxPageNames.map((n) => {
      const page = pages[n]!;
      const count = page.tables(apps).reduce((sum, t) => sum + t.rows.length, 0);
      return `<li><a href="${escapeHtml(`${base}/${n}`)}">${escapeHtml(page.title)}</a>: ${count} item${count === 1 ? '' : 's'}. ${escapeHtml(page.about)}</li>`;
    });
    return document(
      'Sandbox apps',
      `<main><h1>Sandbox apps</h1>\n<p>Stand-ins for the vendors, run by <code>switchyard dev</code> on this machine only. Reload a page to see what arrived.</p>\n<ul>\n${items.join('\n')}\n</ul></main>`,
    );
  }
  const page = Object.hasOwn(pages, name) ? pages[name] : undefined;
  if (!page) return undefined;
  return document(`${page.title} (Sandbox)`, `${nav}\n<main><h1>${escapeHtml(page.title)} (Sandbox)</h1>\n<p>${escapeHtml(page.about)} Reload to see new items.</p>\n${page.tables(apps).map(table).join('\n')}</main>`);
}
