/**
 * What the REST API is built from: interfaces only, so the server wires the durable services and
 * tests wire in-memory ones. Services the API needs beyond the execution contract (searching
 * executions, listing a namespace's flows) are small interfaces of their own here.
 */

import type { ValidationResult } from '../../../flows-schema/src/validate/validate-flow.ts';
import type { SecretMasker } from '../../../runner/src/masking.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { ConsoleSession } from '../console/console-session.ts';
import type { StateName } from '../engine/states.ts';
import type { ExecutionDocument, ExecutionService } from '../execution/contract.ts';
import type { FlowRevision, FlowRevisionStore } from '../github/ports.ts';
import type { KvService } from '../kv/kv-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';

export interface ExecutionQuery {
  namespace?: string;
  flowId?: string;
  states?: readonly StateName[];
  /** Kestra's `q`: case-insensitive text in the id, `namespace.flowId` or a label `key:value`. */
  text?: string;
  /** 1-based, as in Kestra. */
  page: number;
  size: number;
}

/** Kestra's paged answer. */
export interface ExecutionPage {
  results: ExecutionDocument[];
  total: number;
}

/** Finding executions by namespace, flow, state and text, newest first. */
export interface ExecutionSearch {
  search(query: ExecutionQuery): Promise<ExecutionPage>;
}

/** The deployed flows the API reads (the `FlowRevisionStore` of the GitHub App, plus a listing). */
export interface FlowCatalog extends Pick<FlowRevisionStore, 'latest' | 'history'> {
  /** The latest, not deleted revision of every flow of exactly `namespace`, by flow id. */
  inNamespace(namespace: string): Promise<FlowRevision[]>;
  /** The latest, not deleted revision of every flow, of `namespace` and the namespaces under it when given. */
  list(namespace?: string): Promise<FlowRevision[]>;
}

export type KvApi = Pick<KvService, 'entry' | 'set' | 'delete' | 'list'>;
export type SecretsApi = Pick<SecretService, 'list' | 'set' | 'delete' | 'get' | 'backendFor'>;

export interface ApiDeps {
  executions: ExecutionService;
  /** Without it, `GET /executions/search` answers 501. */
  search?: ExecutionSearch;
  flows: FlowCatalog;
  kv: KvApi;
  secrets: SecretsApi;
  tokens: TokenService;
  /** Parses and checks flow YAML (`validateFlowSource`). */
  validate: (source: string) => ValidationResult;
  /** Secret values to keep out of every answer; values written through the API are added to it. */
  masker?: SecretMasker;
  /** The web console's cookie sessions: API requests without a bearer token may use one. */
  session?: ConsoleSession;
  /** Where every user and token action is recorded; without it nothing is (and `/audit-logs` is absent). */
  audit?: AuditLog;
  /** Largest request body in bytes (default 32 MiB; KV values and secrets 1 MiB). */
  maxBodyBytes?: number;
}
