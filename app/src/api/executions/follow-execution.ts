/**
 * `GET /executions/{id}/follow` (as in Kestra): Server-Sent Events carrying the execution
 * document, first as it is now, then each time it changes (a burst of changes sends the newest
 * only), and `event: end` with the final document once it is finished (afterExecution included).
 */
import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import type { SecretMasker } from '../../../../protocol/src/masking.ts';
import type { ExecutionDocument, ExecutionService } from '../../execution/contract.ts';
import { followExecutionEvents } from '../edge/follow-execution-events.ts';

export function followExecution(
  c: Context,
  executions: ExecutionService,
  id: string,
  masker: SecretMasker | undefined,
): Response {
  const write = (stream: SSEStreamingApi, doc: ExecutionDocument | undefined, event?: 'end') =>
    doc === undefined
      ? Promise.resolve()
      : stream.writeSSE({
          ...(event === undefined ? {} : { event }),
          data: JSON.stringify(masker === undefined ? doc : masker.maskValue(doc)),
        });
  return followExecutionEvents<ExecutionDocument>(c, executions, id, {
    pick: (event) => [event.execution],
    start: async (stream) => write(stream, await executions.get(id)),
    send: (docs, stream) => write(stream, docs.at(-1)),
    end: async (stream) => write(stream, await executions.get(id), 'end'),
  });
}
