/**
 * Who asked and who decided: the executions an app started (with the person who submitted the
 * form) and the approvals and rejections given on them. A decision and the count it completes are
 * taken under a row lock on the execution, so two approvers clicking at once are both counted and
 * exactly one of them completes the set.
 */

import {
  type AppExecutionRow,
  type Decision,
  type DecisionRow,
  deleteDecision,
  getAppExecution,
  insertAppExecution,
  insertDecision,
  listDecisions,
} from '../storage/apps.ts';
import type { Database } from '../storage/database.ts';

export type DecisionOutcome =
  | { status: 'recorded'; approvals: DecisionRow[]; rejected: boolean }
  | { status: 'already-decided'; approvals: DecisionRow[] }
  | { status: 'unknown' };

export class AppApprovals {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  started(row: Omit<AppExecutionRow, 'createdAt'>): Promise<void> {
    return insertAppExecution(this.#db, { ...row, createdAt: new Date() });
  }

  execution(executionId: string): Promise<AppExecutionRow | undefined> {
    return getAppExecution(this.#db, executionId);
  }

  decisions(executionId: string): Promise<DecisionRow[]> {
    return listDecisions(this.#db, executionId);
  }

  /** Takes an approval back (its values were refused when it completed the set). */
  async withdraw(executionId: string, actorId: string): Promise<void> {
    await deleteDecision(this.#db, executionId, actorId);
  }

  async decide(
    executionId: string,
    actor: { id: string; name: string },
    decision: Decision,
    inputs: Record<string, unknown> | null,
  ): Promise<DecisionOutcome> {
    return this.#db.transaction(async (tx) => {
      if ((await getAppExecution(tx, executionId, true)) === undefined) return { status: 'unknown' };
      const fresh = await insertDecision(tx, executionId, {
        actorId: actor.id,
        actorName: actor.name,
        decision,
        inputs,
        decidedAt: new Date(),
      });
      const all = await listDecisions(tx, executionId);
      const approvals = all.filter((d) => d.decision === 'APPROVE');
      if (!fresh) return { status: 'already-decided', approvals };
      return { status: 'recorded', approvals, rejected: all.some((d) => d.decision === 'REJECT') };
    });
  }
}
