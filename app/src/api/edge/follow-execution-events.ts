/**
 * The loop behind the API's Server-Sent Events streams (`/logs/{id}/follow`,
 * `/executions/{id}/follow`): listen to one execution's events from before the stored state is
 * read, hand each batch to the stream as it comes, and stop once the execution is finished
 * (afterExecution included) or the client goes away.
 */
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { ExecutionEvent, ExecutionService } from '../../execution/contract.ts';

export interface FollowSteps<T> {
  /** What of an event of this execution to queue (log lines, the document). */
  pick(event: ExecutionEvent): readonly T[];
  /** Sends what is stored now; runs after subscribing, so nothing falls between the two. */
  start(stream: SSEStreamingApi): Promise<void>;
  /** Sends a batch of queued items. */
  send(items: T[], stream: SSEStreamingApi): Promise<void>;
  /** Sends the closing event, after the last batch. */
  end(stream: SSEStreamingApi): Promise<void>;
}

export function followExecutionEvents<T>(
  c: Context,
  executions: ExecutionService,
  id: string,
  steps: FollowSteps<T>,
): Response {
  return streamSSE(c, async (stream) => {
    const pending: T[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const unsubscribe = executions.subscribe((event) => {
      if (event.execution.id !== id) return;
      pending.push(...steps.pick(event));
      wake?.();
    });
    const stop = new AbortController();
    stream.onAbort(() => {
      stop.abort();
      wake?.();
    });
    executions.waitForTerminal(id, stop.signal).then(
      () => {
        ended = true;
        wake?.();
      },
      () => {},
    );
    try {
      await steps.start(stream);
      while (!stream.aborted) {
        if (pending.length > 0) await steps.send(pending.splice(0), stream);
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending.length > 0 || ended || stream.aborted) resolve();
        });
        wake = undefined;
      }
      if (!stream.aborted) {
        // What the last step published comes with it; send it before saying the end.
        if (pending.length > 0) await steps.send(pending.splice(0), stream);
        await steps.end(stream);
      }
    } finally {
      unsubscribe();
      stop.abort();
    }
  });
}
