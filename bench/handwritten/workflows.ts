import { proxyActivities } from '@temporalio/workflow';
import type { createHandwrittenActivities } from './activities';

const { postJson } = proxyActivities<ReturnType<typeof createHandwrittenActivities>>({
  startToCloseTimeout: '30s',
});

export interface TwoPostsInput {
  sinkUrl: string;
  sentAt: number;
  subject: string;
}

/** What the bench recipe does, written by hand: post, then post again if the first answered 200. */
export async function twoPosts({ sinkUrl, sentAt, subject }: TwoPostsInput): Promise<void> {
  const first = await postJson({ stepId: 'first', url: `${sinkUrl}/first`, body: { sentAt, subject: `New: ${subject}` } });
  if (first.status === 200) {
    await postJson({ stepId: 'second', url: `${sinkUrl}/second`, body: { sentAt, first: first.status } });
  }
}

/** One post: with twoPosts, gives the hand-written cost of one action step. */
export async function onePost({ sinkUrl, sentAt, subject }: TwoPostsInput): Promise<void> {
  await postJson({ stepId: 'first', url: `${sinkUrl}/first`, body: { sentAt, subject: `New: ${subject}` } });
}
