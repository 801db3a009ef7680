import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../connectors/intercom/html-text';
import { conversationWithParts, renderTranscript, transcriptParts } from '../../connectors/intercom/transcript';

describe('Intercom transcripts', () => {
  it('turns HTML bodies into one line of text', () => {
    expect(htmlToText('<p>Hi&nbsp;there</p><p>Line&#160;two<br/>and &#x2603; &lt;tag&gt; &unknown;</p>\n<ul><li>a</li><li>b</li></ul>')).toBe('Hi there Line two and ☃ <tag> &unknown; a b');
    expect(htmlToText('')).toBe('');
  });

  it('names authors by name, else email, else type and id; labels parts that are not replies', () => {
    const c = conversationWithParts.parse({
      type: 'conversation',
      id: 9,
      created_at: 0,
      source: { id: 's', body: '<p>Hello</p>', author: { type: 'lead', id: 'l1', name: '', email: 'lead@example.com' } },
      conversation_parts: {
        conversation_parts: [
          { id: 1, part_type: 'snoozed', body: null, created_at: 60, author: { type: 'admin', id: 5 } },
          { id: 2, part_type: 'conversation_attribute_updated_by_admin', body: '', created_at: 120, author: { type: 'admin', id: 5, name: 'Sam' } },
          { id: 3, part_type: 'default_assignment', created_at: 180, author: { type: 'bot', id: 7, name: 'Fin' }, assigned_to: null },
          { id: 4, part_type: 'comment', body: '<p>ok</p>', created_at: 240, author: null },
        ],
      },
    });
    expect(renderTranscript(transcriptParts(c))).toBe(
      [
        '1970-01-01T00:00:00.000Z lead@example.com (lead): Hello',
        '1970-01-01T00:01:00.000Z admin 5 (admin) [snoozed the conversation]',
        '1970-01-01T00:02:00.000Z Sam (admin) [conversation_attribute_updated_by_admin]',
        '1970-01-01T00:03:00.000Z Fin (bot) [assigned to nobody]',
        '1970-01-01T00:04:00.000Z unknown (unknown): ok',
      ].join('\n'),
    );
  });
});
