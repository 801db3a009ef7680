import { handwrittenWorkerEntry, startHandwrittenRun, startInterpreterRun } from '../lib/direct-starts';
import { historyOf, type HistoryFigures } from '../lib/histories';
import { benchTopic, intercomConnectionId } from '../lib/intercom';
import type { BenchOptions } from '../lib/options';
import { compilePlan } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';

/** A recipe with `actions` posts; with `logic`, a top-level and per-step conditions and templated bodies. */
function variantRecipe(sinkUrl: string, actions: number, logic: boolean) {
  return {
    id: `bench-history-${actions}${logic ? '-logic' : ''}`,
    name: 'Bench: history',
    trigger: { type: 'webhook', connection: intercomConnectionId, event: benchTopic },
    ...(logic ? { when: { '==': [{ var: 'trigger.data.item.priority' }, 'priority'] } } : {}),
    steps: Array.from({ length: actions }, (_, i) => ({
      id: `s${i}`,
      action: 'webhook.post',
      ...(logic ? { when: { '!=': [{ var: 'trigger.data.item.id' }, ''] } } : {}),
      input: {
        url: `${sinkUrl}/s${i}`,
        body: logic ? { sentAt: '{{ trigger.data.item.sent_at }}', subject: 'Re: {{ trigger.data.item.source.subject | upcase }}' } : { sentAt: 0, subject: 'Re: WHERE IS MY ORDER?' },
      },
    })),
  };
}

/** History events and bytes per action step and per condition/template, against the hand-written baseline. */
export async function history(stack: Stack, _o: BenchOptions): Promise<ScenarioResult> {
  const { client, sink } = stack;
  const connections = new Map([[intercomConnectionId, 'intercom']]);
  const engine = await stack.startWorker({ name: 'worker' });
  const hand = await stack.startWorker({ name: 'handwritten-worker', taskQueue: 'handwritten', entry: handwrittenWorkerEntry });
  const runs: Record<string, HistoryFigures> = {};
  try {
    for (const [actions, logic] of [[1, false], [3, false], [1, true], [3, true]] as const) {
      const plan = compilePlan(variantRecipe(sink.url, actions, logic), connections);
      const id = await startInterpreterRun(client, stack.config.TEMPORAL_TASK_QUEUE, plan, `history-${actions}-${logic}`);
      await client.workflow.getHandle(id).result();
      runs[`interpreter ${actions} action${actions > 1 ? 's' : ''}${logic ? ' + conditions/templates' : ''}`] = await historyOf(client, id);
    }
    for (const type of ['onePost', 'twoPosts'] as const) {
      const id = await startHandwrittenRun(client, 'handwritten', type, sink.url, `history-${type}`);
      await client.workflow.getHandle(id).result();
      runs[`hand-written ${type}`] = await historyOf(client, id);
    }
  } finally {
    await hand.stop();
    await engine.stop();
  }
  const get = (k: string) => runs[k]!;
  const i1 = get('interpreter 1 action');
  const i3 = get('interpreter 3 actions');
  const i1l = get('interpreter 1 action + conditions/templates');
  const i3l = get('interpreter 3 actions + conditions/templates');
  const h1 = get('hand-written onePost');
  const h2 = get('hand-written twoPosts');
  const perStep = { interpreter: { events: (i3.events - i1.events) / 2, bytes: (i3.bytes - i1.bytes) / 2 }, handwritten: { events: h2.events - h1.events, bytes: h2.bytes - h1.bytes } };
  const fixed = { interpreter: i1.events - perStep.interpreter.events, handwritten: h1.events - perStep.handwritten.events };
  const logicEvents = { oneAction: i1l.events - i1.events, threeActions: i3l.events - i3.events };
  const logicBytes = { oneAction: i1l.bytes - i1.bytes, threeActions: i3l.bytes - i3.bytes };
  const rows: Row[] = [
    ...Object.entries(runs).map(([k, v]) => ({ metric: `${k}: events / bytes`, value: `${v.events} / ${v.bytes}` })),
    { metric: 'events per action step interpreter / hand-written', value: `${perStep.interpreter.events} / ${perStep.handwritten.events}`, target: 'equal', met: perStep.interpreter.events === perStep.handwritten.events },
    { metric: 'bytes per action step interpreter / hand-written', value: `${perStep.interpreter.bytes} / ${perStep.handwritten.bytes}` },
    { metric: 'fixed events per run interpreter / hand-written', value: `${fixed.interpreter} / ${fixed.handwritten}` },
    { metric: 'events added by conditions+templates (1 / 3 actions)', value: `${logicEvents.oneAction} / ${logicEvents.threeActions}`, target: '0 / 0', met: logicEvents.oneAction === 0 && logicEvents.threeActions === 0 },
    { metric: 'bytes added by conditions+templates (1 / 3 actions)', value: `${logicBytes.oneAction} / ${logicBytes.threeActions}` },
  ];
  return {
    scenario: 'history',
    correct: true,
    parameters: { variants: Object.keys(runs) },
    figures: { runs, perStep, fixedEventsPerRun: fixed, eventsAddedByLogic: logicEvents, bytesAddedByLogic: logicBytes },
    rows,
    notes: ['bytes are the encoded History protobuf (payloads encrypted by the payload codec); templated inputs differ in size, so bytes move with the rendered input, not with the template'],
  };
}
