/**
 * A Pause with no delay in `osprey run`: nothing in this process would ever resume it, and the
 * execution lives only in this process. When the event loop has nothing left to do but the
 * execution is PAUSED (so no delay or timeout timer is pending), say so: in a terminal, Enter
 * resumes it; otherwise the run stops there, PAUSED, and the message says how to resume.
 */
import { createInterface } from 'node:readline';
import type { ExecutionDocument, ExecutionService } from '../../../../app/src/execution/contract.ts';

export interface PausedForGood {
  /** Resolves with the PAUSED execution when nothing can resume it (non-interactive runs). */
  readonly stuck: Promise<ExecutionDocument>;
  stop(): void;
}

function pausedTasks(doc: ExecutionDocument): string {
  const ids = doc.taskRunList.filter((t) => t.state.current === 'PAUSED').map((t) => `'${t.taskId}'`);
  return ids.length === 0 ? '' : ` at task ${ids.join(', ')}`;
}

export function watchForPause(
  executions: ExecutionService,
  id: string,
  stderr: NodeJS.WritableStream,
  interactive: boolean,
): PausedForGood {
  let resolveStuck: (doc: ExecutionDocument) => void = () => undefined;
  const stuck = new Promise<ExecutionDocument>((resolve) => {
    resolveStuck = resolve;
  });
  let asking = false;
  let stopped = false;
  const check = () => {
    if (asking || stopped) return;
    asking = true;
    void executions.get(id).then((doc) => {
      if (stopped || doc === undefined || doc.state.current !== 'PAUSED') {
        asking = false;
        return;
      }
      const where = `Execution ${id} is PAUSED${pausedTasks(doc)} and nothing will resume it`;
      if (!interactive) {
        stderr.write(
          `osprey run: ${where}: osprey run keeps the execution in this process only.\n` +
            'osprey run: to resume it, run the flow in a terminal and press Enter when asked, give the Pause a ' +
            'pauseDuration (it then resumes by itself), or run it under osprey dev / osprey server and resume it ' +
            `there (POST /api/v1/executions/${id}/resume).\n`,
        );
        resolveStuck(doc);
        return;
      }
      stderr.write(`\n${where} but you: press Enter to resume it (Ctrl-C kills it).\n`);
      const rl = createInterface({ input: process.stdin });
      rl.once('line', () => {
        rl.close();
        asking = false;
        executions
          .resume(id)
          .catch((e: Error) => stderr.write(`osprey run: could not resume execution ${id}: ${e.message}\n`));
      });
    });
  };
  // Emitted only when the event loop is empty: no timer (a Pause delay or timeout) is pending.
  process.on('beforeExit', check);
  return {
    stuck,
    stop() {
      stopped = true;
      process.off('beforeExit', check);
    },
  };
}
