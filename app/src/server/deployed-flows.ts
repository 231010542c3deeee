/**
 * Subflows of the server are looked up among deployed flows: the current revision of
 * `namespace.flowId` in the database (with its namespace pluginDefaults), parsed once per revision.
 */
import { LRUCache } from 'lru-cache';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { storedTemplates } from '../../../flows-schema/src/templates.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import type { FlowRepository } from '../execution/contract.ts';
import type { Executor } from '../storage/database.ts';
import { getFlowRevision } from '../storage/flows.ts';

const KEEP = 500;

export class DeployedFlows implements FlowRepository {
  readonly #db: Executor;
  readonly #parsed = new LRUCache<string, { flow: Flow | undefined }>({ max: KEEP });

  constructor(db: Executor) {
    this.#db = db;
  }

  async get(namespace: string, flowId: string): Promise<Flow | undefined> {
    const row = await getFlowRevision(this.#db, namespace, flowId);
    if (row === undefined || row.deleted) return undefined;
    const key = `${namespace}\u0000${flowId}\u0000${row.revision}`;
    let parsed = this.#parsed.get(key);
    if (parsed === undefined) {
      const { flow } = validateFlowSource(row.source, undefined, {
        namespaceDefaults: () => row.pluginDefaults,
        templates: storedTemplates(row.templates),
      });
      parsed = { flow: flow === undefined ? undefined : { ...flow, revision: row.revision } };
      this.#parsed.set(key, parsed);
    }
    return parsed.flow;
  }
}
