/**
 * A small JobRunner for executor tests: Log, Fail, Return, Sleep (on the test clock), OutputValues,
 * Labels, Exit and Slack stand-ins behave like the real plugins; `scripts` override any task id
 * (flaky tasks, tasks that hang until killed). Every job it receives is recorded.
 */

import type { Clock } from '../../../../app/src/execution/clock.ts';
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import type { JobLog, JobResult, JobRunner, TaskJob } from '../../../../protocol/src/job.ts';

type Hooks = { onLog(log: JobLog): void; signal: AbortSignal };
export type Script = (job: TaskJob, hooks: Hooks) => Promise<Omit<JobResult, 'jobId'>>;

const short = (type: string) => type.split('.').at(-1)!;

export class FakeRunner implements JobRunner {
  readonly jobs: TaskJob[] = [];
  /** Affinity keys the executor released (WorkingDirectory tasks that ended). */
  readonly released: string[] = [];
  readonly #clock: Clock;
  readonly #scripts: Record<string, Script>;

  constructor(clock: Clock, scripts: Record<string, Script> = {}) {
    this.#clock = clock;
    this.#scripts = scripts;
  }

  /** Jobs of one task id, in dispatch order. */
  jobsOf(taskId: string): TaskJob[] {
    return this.jobs.filter((j) => j.run.taskId === taskId);
  }

  async releaseWorkingDirectories(keys: readonly string[]): Promise<void> {
    this.released.push(...keys);
  }

  async run(job: TaskJob, hooks: Hooks): Promise<JobResult> {
    this.jobs.push(job);
    const script = this.#scripts[job.run.taskId];
    const result = script ? await script(job, hooks) : await this.#builtin(job, hooks);
    return { jobId: job.jobId, ...result };
  }

  sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const handle = this.#clock.setTimer(this.#clock.now() + ms, () => resolve(true));
      signal.addEventListener('abort', () => {
        this.#clock.clearTimer(handle);
        resolve(false);
      });
    });
  }

  async #builtin(job: TaskJob, hooks: Hooks): Promise<Omit<JobResult, 'jobId'>> {
    const p = job.properties;
    const log = (level: JobLog['level'], message: string) =>
      hooks.onLog({ level, message, timestamp: new Date(this.#clock.now()).toISOString() });
    switch (short(job.type)) {
      case 'Log':
        for (const m of Array.isArray(p['message']) ? p['message'] : [p['message']])
          log((p['level'] as JobLog['level']) ?? 'INFO', String(m));
        return { state: 'SUCCESS' };
      case 'Fail': {
        if (p['condition'] !== undefined && !['true', true].includes(p['condition'] as string))
          return { state: 'SUCCESS' };
        const message = String(p['errorMessage'] ?? 'Task failure');
        log('ERROR', message);
        return { state: 'FAILED', error: message };
      }
      case 'Return':
        return { state: 'SUCCESS', outputs: { value: p['format'] } };
      case 'OutputValues':
        return { state: 'SUCCESS', outputs: { values: p['values'] } };
      case 'Sleep': {
        const done = await this.sleep(parseDuration(String(p['duration'])) ?? 0, hooks.signal);
        return done ? { state: 'SUCCESS' } : { state: 'FAILED', error: 'Task was killed', retryable: false };
      }
      case 'Labels': {
        const raw = p['labels'] as Record<string, string> | Array<{ key: string; value: string }>;
        const labels = Array.isArray(raw)
          ? raw
          : Object.entries(raw).map(([key, value]) => ({ key, value: String(value) }));
        return { state: 'SUCCESS', effects: { labels } };
      }
      case 'Exit':
        return { state: 'SUCCESS', effects: { exit: (p['state'] as 'SUCCESS') ?? 'SUCCESS' } };
      case 'SlackIncomingWebhook':
        log('INFO', `slack stand-in: ${String(p['payload'] ?? p['messageText'])}`);
        return { state: 'SUCCESS' };
      default:
        return { state: 'FAILED', error: `fake runner: no plugin for ${job.type}`, retryable: false };
    }
  }
}
