import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createHandwrittenActivities } from './activities';

type Activities = ReturnType<typeof createHandwrittenActivities>;

const activity = proxyActivities<Activities>({ startToCloseTimeout: '30s' });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s' });

export interface TwoPostsInput {
  sinkUrl: string;
  sentAt: number;
  subject: string;
}

/** What the bench recipe does, written by hand: post, then post again if the first answered 200. */
async function postTwice(acts: Activities, { sinkUrl, sentAt, subject }: TwoPostsInput): Promise<void> {
  const first = await acts.postJson({ stepId: 'first', url: `${sinkUrl}/first`, body: { sentAt, subject: `New: ${subject}` } });
  if (first.status === 200) {
    await acts.postJson({ stepId: 'second', url: `${sinkUrl}/second`, body: { sentAt, first: first.status } });
  }
}

/** One post: the hand-written cost of one action step. */
async function postOnce(acts: Activities, { sinkUrl, sentAt, subject }: TwoPostsInput): Promise<void> {
  await acts.postJson({ stepId: 'first', url: `${sinkUrl}/first`, body: { sentAt, subject: `New: ${subject}` } });
}

export const twoPosts = (input: TwoPostsInput) => postTwice(activity, input);
export const twoPostsLocal = (input: TwoPostsInput) => postTwice(local, input);
export const onePost = (input: TwoPostsInput) => postOnce(activity, input);
export const onePostLocal = (input: TwoPostsInput) => postOnce(local, input);

/** Nothing at all: what a start and a completion cost the server. */
export async function empty(): Promise<void> {}
