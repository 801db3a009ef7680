import { z } from 'zod';
import { defineAction } from './auth';
import { insertRecord, recordId } from './records';

/** Task.Description holds at most 32,000 characters; a longer transcript keeps its beginning. */
const descriptionLimit = 32_000;
const cut = '\n… (transcript truncated)';

/**
 * A conversation logged as a completed Task (an activity in the Contact's or Lead's history):
 * POST /sobjects/Task with WhoId = the person, the transcript in Description.
 */
export const createTask = defineAction({
  title: 'Log a conversation as a task',
  description: 'Logs a conversation as a completed Task on a Contact or Lead, with the transcript as its description.',
  input: z.object({
    /** The Contact (003…) or Lead (00Q…) the conversation was with. */
    whoId: recordId,
    subject: z.string().min(1).max(255),
    transcript: z.string().default(''),
    /** The day it happened (YYYY-MM-DD or an ISO time); today when absent. */
    activityDate: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
    /** An Account, Opportunity or Case the task also relates to. */
    whatId: recordId.optional(),
    taskSubtype: z.enum(['Task', 'Email', 'Call']).default('Task'),
    priority: z.enum(['High', 'Normal', 'Low']).default('Normal'),
  }),
  output: z.object({ id: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'Salesforce create takes no idempotency key; upsert by an external id where the object has one' },
  sample: { id: '00TgK00000Xyz34UAB' },
  async run(ctx, i) {
    const description = i.transcript.length > descriptionLimit ? i.transcript.slice(0, descriptionLimit - cut.length) + cut : i.transcript;
    const fields = {
      WhoId: i.whoId,
      WhatId: i.whatId,
      Subject: i.subject,
      Description: description,
      Status: 'Completed',
      Priority: i.priority,
      TaskSubtype: i.taskSubtype,
      ActivityDate: (i.activityDate ?? new Date().toISOString()).slice(0, 10),
    };
    return { id: await insertRecord(ctx, 'Task', fields) };
  },
});
