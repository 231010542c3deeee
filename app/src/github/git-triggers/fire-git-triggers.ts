/**
 * Start the flows whose Git trigger matches a push or pull_request event, at the event's commit, with
 * the flow as it is at that commit (like a CI workflow). A flow starts once per event (its first
 * matching trigger). Refused inputs become a failed execution check run saying why.
 */
import { labelList } from '../../../../flows-schema/src/schema/primitives.ts';
import { GIT_TRIGGER_TYPE } from '../../../../flows-schema/src/triggers/triggers.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import type { ExecutionDocument } from '../../execution/contract.ts';
import { InputsRefused } from '../../execution/contract.ts';
import { type CheckRuns, EXECUTION_CHECK_PREFIX } from '../checks/check-runs.ts';
import type { HandlerDeps } from '../deps.ts';
import { type GitEvent, type GitTriggerSpec, matchesGitTrigger } from './match-git-trigger.ts';

export interface GitEventContext {
  repository: string;
  installationId: number;
  sha: string;
  /** The GitHub delivery of the event: processing it again starts nothing twice. */
  delivery?: string;
  event: GitEvent;
  /** The execution's `trigger.*` variables (docs/flows.md). */
  variables: Record<string, unknown>;
}

export function hasGitTrigger(file: FlowFile): boolean {
  return (file.flow?.triggers ?? []).some((t) => t.type === GIT_TRIGGER_TYPE && t.disabled !== true);
}

export async function fireGitTriggers(
  deps: HandlerDeps,
  checks: CheckRuns,
  files: readonly FlowFile[],
  context: GitEventContext,
): Promise<ExecutionDocument[]> {
  const started: ExecutionDocument[] = [];
  for (const file of files) {
    const flow = file.flow;
    if (flow === undefined) continue;
    const trigger = (flow.triggers ?? []).find(
      (t): t is GitTriggerSpec =>
        t.type === GIT_TRIGGER_TYPE && matchesGitTrigger(t as GitTriggerSpec, context.event),
    );
    if (trigger === undefined) continue;
    const name = `${flow.namespace}.${flow.id}`;
    try {
      const inputs = await deps.renderInputs(trigger.inputs ?? {}, { trigger: context.variables });
      const execution = await deps.launcher.launch({
        repository: context.repository,
        installationId: context.installationId,
        sha: context.sha,
        path: file.path,
        ...(context.delivery !== undefined ? { occurrence: context.delivery } : {}),
        flow,
        inputs,
        labels: labelList(trigger.labels),
        trigger: { id: trigger.id, type: GIT_TRIGGER_TYPE, variables: context.variables },
      });
      started.push(execution);
      deps.log.info(
        { repository: context.repository, sha: context.sha, flow: name, execution: execution.id },
        'git trigger started an execution',
      );
    } catch (error) {
      const why =
        error instanceof InputsRefused
          ? `Its trigger \`${trigger.id}\` gave inputs the flow refuses:\n\n${error.problems.map((p) => `- \`${p.input}\`: ${p.message}`).join('\n')}`
          : `Starting it failed: ${(error as Error).message}`;
      deps.log.warn(
        { err: error, flow: name, repository: context.repository },
        'git trigger could not start an execution',
      );
      await checks
        .create({
          name: `${EXECUTION_CHECK_PREFIX}${name}`,
          head_sha: context.sha,
          status: 'completed',
          conclusion: 'failure',
          completed_at: new Date().toISOString(),
          output: {
            title: 'Not started',
            summary: `The ${context.event.name} event matched \`${name}\` (${file.path}), but no execution started. ${why}\n`,
          },
        })
        .catch((reportError: unknown) =>
          deps.log.error({ err: reportError }, 'could not report a refused git trigger'),
        );
    }
  }
  return started;
}
