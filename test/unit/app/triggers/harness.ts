/**
 * The trigger subsystem wired for a unit test: a fake clock, the in-memory execution service with
 * the fake runner, the in-memory trigger store and a scheduler. `deploy(yaml)` registers a flow's
 * triggers as the GitHub App does on push; `executionsOf(flowId)` is what a user would list.
 */
import YAML from 'yaml';
import type { ExecutionDocument } from '../../../../app/src/execution/contract.ts';
import {
  createLocalExecutionService,
  type LocalExecutionService,
} from '../../../../app/src/execution/local.ts';
import { MemoryExecutionStore } from '../../../../app/src/execution/memory-store.ts';
import { MemoryTriggerStore } from '../../../../app/src/triggers/memory-trigger-store.ts';
import {
  TriggerScheduler,
  type TriggerSchedulerOptions,
} from '../../../../app/src/triggers/trigger-scheduler.ts';
import type { TriggerLogger } from '../../../../app/src/triggers/types.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { FakeClock, flush } from '../../../support/fake-clock.ts';
import { FakeRunner, type Script } from '../execution/fake-runner.ts';
import { memoryStorage, parseFlow } from '../execution/harness.ts';

export { flush, parseFlow };

export interface TriggerHarnessOptions {
  /** Epoch ms the clock starts at. */
  start?: number;
  scripts?: Record<string, Script>;
  scheduler?: Partial<TriggerSchedulerOptions>;
}

export function triggerHarness(options: TriggerHarnessOptions = {}) {
  const clock = new FakeClock(options.start ?? Date.UTC(2025, 0, 1));
  const runner = new FakeRunner(clock, options.scripts);
  const flows = new Map<string, Flow>();
  const executionStore = new MemoryExecutionStore();
  let ids = 0;
  const executions: LocalExecutionService = createLocalExecutionService({
    runner,
    storage: memoryStorage(),
    kv: { get: async () => undefined, set: async () => {}, delete: async () => false, keys: async () => [] },
    secrets: {
      get: async (_ns, name) => (name === 'SLACK_WEBHOOK' ? 'https://hooks.slack.test/x' : undefined),
    },
    flows: { get: async (ns, id) => flows.get(`${ns}/${id}`) },
    clock,
    store: executionStore,
    newId: () => `ex${String(++ids).padStart(4, '0')}`,
    random: () => 0.5,
  });
  const store = new MemoryTriggerStore(clock);
  const logs: Array<{ level: 'info' | 'warn' | 'error'; message: string }> = [];
  const log: TriggerLogger = {
    info: (message) => logs.push({ level: 'info', message }),
    warn: (message) => logs.push({ level: 'warn', message }),
    error: (message) => logs.push({ level: 'error', message }),
  };
  const scheduler = new TriggerScheduler({
    store,
    executions,
    flows: { get: async (ns, id) => flows.get(`${ns}/${id}`) },
    clock,
    log,
    ...options.scheduler,
  });
  let revision = 0;

  /** Deploys a flow: it becomes runnable and its triggers are registered (as on a push). */
  async function deploy(yaml: string): Promise<Flow> {
    const flow = parseFlow(yaml);
    flows.set(`${flow.namespace}/${flow.id}`, flow);
    await store.replace(
      {
        namespace: flow.namespace,
        flowId: flow.id,
        repository: 'acme/flows',
        sha: `sha${++revision}`,
        path: `flows/${flow.id}.yaml`,
        revision,
      },
      flow.triggers ?? [],
    );
    await settle();
    return flow;
  }

  /** Executions of a flow, oldest first. */
  async function executionsOf(flowId: string, namespace = 'company.team'): Promise<ExecutionDocument[]> {
    const all = await executionStore.list({ namespace, flowId });
    const docs = await Promise.all(all.map((e) => executions.get(e.id)));
    return docs.filter((d): d is ExecutionDocument => d !== undefined);
  }

  /** Runs a flow by hand and lets it finish (its end is what Flow triggers see). */
  async function run(flowId: string, namespace = 'company.team'): Promise<ExecutionDocument> {
    const flow = flows.get(`${namespace}/${flowId}`);
    if (flow === undefined) throw new Error(`test flow ${namespace}/${flowId} is not deployed`);
    const started = await executions.start({ flow });
    let ended: ExecutionDocument | undefined;
    void executions.waitForTerminal(started.id).then((d) => {
      ended = d;
    });
    for (let i = 0; ended === undefined && i < 100; i++) await clock.advance(10);
    await settle();
    return ended ?? (await executions.get(started.id))!;
  }

  /** Lets queued trigger work and the executions it started run. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      // Timers due now (a trigger due at once) fire without time moving.
      await clock.advance(0);
      await scheduler.idle();
    }
  }

  /** Moves virtual time to `at` (epoch ms), firing what falls due on the way. */
  async function advanceTo(at: number): Promise<void> {
    await clock.advance(at - clock.now());
    await settle();
  }

  return {
    clock,
    runner,
    flows,
    executions,
    store,
    scheduler,
    logs,
    deploy,
    executionsOf,
    run,
    settle,
    advanceTo,
  };
}

export function yaml(doc: Record<string, unknown>): string {
  return YAML.stringify(doc);
}
