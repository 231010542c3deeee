/**
 * `command: trigger`: start the flow on an Osprey server through the REST API (docs/api.md),
 * stream its log lines (the follow endpoint's Server-Sent Events), and wait for its end unless
 * `wait: false`. A refused token, an unknown flow or refused inputs fail the step with what to do.
 */
import { readFile } from 'node:fs/promises';
import type { ExecutionDocument, LogEntry } from '../../app/src/execution/contract.ts';
import { openRepository } from '../../app/src/local/local-repository.ts';
import { ApiClient, ApiClientError } from '../../cli/src/api-client.ts';
import { TERMINAL } from '../../cli/src/commands/run/task-tree.ts';
import { parseFlowSource } from '../../flows-schema/src/yaml/source.ts';
import type { ActionContext, StepResult } from './context.ts';
import { executionOutputs, executionSummary, PASSING } from './execution-summary.ts';
import { findFlowFile, isFlowFile, splitFlowId } from './flow-file.ts';
import { InputError } from './inputs.ts';
import { readServerSentEvents } from './sse.ts';

export async function triggerCommand(ctx: ActionContext): Promise<StepResult> {
  const { server, token, flows } = ctx.inputs;
  if (server === undefined) {
    throw new InputError("input 'server' is required for command trigger: the URL of your Osprey server");
  }
  if (token === undefined) {
    throw new InputError(
      "input 'token' is required for command trigger: an API token (`osprey tokens create ci`) kept in a repository secret, e.g. token: ${{ secrets.OSPREY_API_TOKEN }}",
    );
  }
  const [ref, ...more] = flows;
  if (ref === undefined || more.length > 0) {
    throw new InputError(
      `input 'flow' must name one flow for command trigger (namespace.flowId or its file); got ${ref === undefined ? 'nothing' : flows.join(', ')}`,
    );
  }
  const { namespace, id } = await flowIdOf(ctx, ref);
  const api = new ApiClient({ server, token });
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    try {
      return await api.request<T>(method, path, {
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
      });
    } catch (e) {
      throw translate(e, server, `${namespace}.${id}`);
    }
  };
  const started = await call<ExecutionDocument>(
    'POST',
    `/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`,
    ctx.inputs.inputs,
  );
  ctx.log(`Started execution ${started.id} of ${namespace}.${id} on ${server}`);
  if (!ctx.inputs.wait) {
    return {
      summary: executionSummary(started, {
        heading: `Osprey: trigger ${namespace}.${id}`,
        note: `Started on ${server}; not waited for (wait: false).`,
      }),
      outputs: executionOutputs(started),
    };
  }
  const timeout = ctx.inputs.timeoutMs;
  const signal = timeout === undefined ? undefined : AbortSignal.timeout(timeout);
  await followLogs(ctx, server, token, started.id, signal);
  let final = await call<ExecutionDocument>('GET', `/executions/${started.id}`);
  // The stream can end early (a server restart): poll until the end or the timeout.
  while (!TERMINAL.has(final.state.current) && !signal?.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    final = await call<ExecutionDocument>('GET', `/executions/${started.id}`);
  }
  const ended = TERMINAL.has(final.state.current);
  const failure = !ended
    ? `execution ${final.id} of ${namespace}.${id} is still ${final.state.current} after the timeout of ${Math.round((timeout ?? 0) / 1000)} s; it goes on on the server (stop it with DELETE ${server}/api/v1/executions/${final.id}/kill)`
    : PASSING.has(final.state.current)
      ? undefined
      : `execution ${final.id} of ${namespace}.${id} ended ${final.state.current} on ${server}`;
  return {
    summary: executionSummary(final, {
      heading: `Osprey: trigger ${namespace}.${id}`,
      note: ended ? undefined : failure,
    }),
    outputs: executionOutputs(final),
    ...(failure === undefined ? {} : { failure }),
  };
}

/** The namespace and id of `ref`: given as namespace.flowId, or read from the flow file. */
async function flowIdOf(ctx: ActionContext, ref: string): Promise<{ namespace: string; id: string }> {
  if (!isFlowFile(ref)) return splitFlowId(ref);
  const path = await findFlowFile(openRepository(ctx.root), ref);
  const doc = parseFlowSource(await readFile(path, 'utf8')).value as
    | { namespace?: unknown; id?: unknown }
    | undefined;
  if (typeof doc?.namespace !== 'string' || typeof doc.id !== 'string')
    throw new InputError(`input 'flow': ${ref} declares no namespace and id; is it a flow file?`);
  return { namespace: doc.namespace, id: doc.id };
}

async function followLogs(
  ctx: ActionContext,
  server: string,
  token: string,
  id: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${server}/api/v1/logs/${encodeURIComponent(id)}/follow`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (e) {
    if (signal?.aborted) return;
    ctx.log(`Could not follow the logs (${(e as Error).message}); waiting for the end`);
    return;
  }
  if (!res.ok || res.body === null) {
    ctx.log(`Could not follow the logs (${res.status} ${res.statusText}); waiting for the end`);
    return;
  }
  try {
    for await (const event of readServerSentEvents(res.body)) {
      if (event.event === 'end') return;
      const log = JSON.parse(event.data) as LogEntry;
      ctx.log(
        `${log.timestamp.slice(11, 23)} ${log.level.padEnd(5)} ${log.taskId ?? log.flowId} ${log.message}`,
      );
    }
  } catch (e) {
    if (!signal?.aborted) ctx.log(`The log stream broke (${(e as Error).message}); waiting for the end`);
  }
}

/** API refusals in the words of the Action's inputs. */
function translate(error: unknown, server: string, flow: string): Error {
  if (!(error instanceof ApiClientError)) return error as Error;
  if (error.status === 401) {
    return new InputError(
      `the Osprey server at ${server} refused the token (input 'token'): it is unknown, revoked or expired. Create one with \`osprey tokens create ci\` and store it as a repository secret`,
    );
  }
  if (error.status === 404) {
    return new InputError(
      `flow ${flow} is not deployed on ${server}: ${error.message}. Check input 'flow' (namespace.flowId); a flow is deployed when it reaches the default branch`,
    );
  }
  if (error.code === 'unreachable')
    return new InputError(error.message.replace(/--server \(OSPREY_SERVER\)/, "input 'server'"));
  return new InputError(`${server} refused the request: ${error.message}`);
}
