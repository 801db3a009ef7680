/** The body every subscriber receives: Intercom's notification_event shape (times in Unix seconds). */
interface NotificationEvent {
  type: 'notification_event';
  id: string;
  topic: string;
  created_at: number;
  delivery_attempts: number;
  first_sent_at: number;
  data: { item: unknown };
}

export function notificationBody(m: { id: string; topic: string; createdAt: string; item: unknown; attempt: number; firstSentAt: string }): Buffer {
  const event: NotificationEvent = {
    type: 'notification_event',
    id: m.id,
    topic: m.topic,
    created_at: unixSeconds(m.createdAt),
    delivery_attempts: m.attempt,
    first_sent_at: unixSeconds(m.firstSentAt),
    data: { item: m.item },
  };
  return Buffer.from(JSON.stringify(event), 'utf8');
}

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
