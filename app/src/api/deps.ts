/**
 * What the REST API is built from: interfaces only, so the server wires the durable services and
 * tests wire in-memory ones. Services the API needs beyond the execution contract (searching
 * executions, listing a namespace's flows) are small interfaces of their own here.
 */

import type { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import type { SecretMasker } from '../../../protocol/src/masking.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { NamespaceAccess } from '../auth/namespace-access.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { Announcements } from '../console/announcements.ts';
import type { ConsoleSession } from '../console/console-session.ts';
import type { FlowRevision, FlowRevisionStore } from '../deployments/ports.ts';
import type { StateName } from '../engine/states.ts';
import type { ExecutionDocument, ExecutionService } from '../execution/contract.ts';
import type { NamespaceFiles } from '../github/namespace-files.ts';
import type { CheckRunLinks } from '../github/ports.ts';
import type { KvService } from '../kv/kv-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { TriggerStore } from '../triggers/types.ts';

export interface ExecutionQuery {
  namespace?: string;
  flowId?: string;
  states?: readonly StateName[];
  /** Only executions of these namespaces (what a person signed in with GitHub may read). */
  namespaces?: readonly string[];
  /** Kestra's `q`: case-insensitive text in the id, `namespace.flowId` or a label `key:value`. */
  text?: string;
  /** Every one of these labels. */
  labels?: ReadonlyArray<{ key: string; value: string }>;
  /** Created at or after `from`, before `to` (Kestra's `startDate`/`endDate`). */
  from?: Date;
  to?: Date;
  /** Pinned to this commit (a SHA prefix). */
  sha?: string;
  /** Started by a git event on this branch, or for this pull request. */
  branch?: string;
  pullRequest?: number;
  /** 1-based, as in Kestra. Ignored when `after` is given. */
  page: number;
  size: number;
  /** The `next` of the previous page: the page after it, found by keyset (no offset to skip). */
  after?: string;
}

/** Kestra's paged answer. */
export interface ExecutionPage {
  results: ExecutionDocument[];
  /** How many match; counted up to a limit (`totalCapped`: there are more). */
  total: number;
  totalCapped?: boolean;
  /** Pass as `after` for the following page; absent on the last page. */
  next?: string;
}

/** Finding executions by namespace, flow, state, labels, time, commit, branch, pull request and text, newest first. */
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

/**
 * Where flows written through the API go: `osprey dev` writes them to its flows folder and deploys
 * them from there. A server has none: its flows change through git only.
 */
export interface FlowWriter {
  /** Write the flow's YAML (a new file, or the file that declares it) and deploy; its path. */
  save(namespace: string, flowId: string, source: string): Promise<{ path: string; created: boolean }>;
  /** Remove the file that declares the flow and deploy; its path, or undefined when there is none. */
  delete(namespace: string, flowId: string): Promise<string | undefined>;
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
  /** The GitHub check run reporting each execution: `GET /executions/{id}/check-run` (absent: 404). */
  checkRuns?: Pick<CheckRunLinks, 'get'>;
  /** Internal storage: `GET /executions/{id}/file` (absent: 501). */
  storage?: Pick<InternalStorage, 'open' | 'exists' | 'size'>;
  tokens: TokenService;
  /** Parses and checks flow YAML (`validateFlowSource`). */
  validate: typeof validateFlowSource;
  /** Secret values to keep out of every answer; values written through the API are added to it. */
  masker?: SecretMasker;
  /** The web console's cookie sessions: API requests without a bearer token may use one. */
  session?: ConsoleSession;
  /** Where every user and token action is recorded; without it nothing is (and `/audit-logs` is absent). */
  audit?: AuditLog;
  /** Console announcements; without them `/announcements` answers 501. */
  announcements?: Pick<Announcements, 'list' | 'create' | 'update' | 'delete'>;
  /** Namespace files at a commit, read from GitHub; without them `/namespaces/{ns}/files` answers 501. */
  namespaceFiles?: NamespaceFiles;
  /** The deployed triggers; without it `/triggers` answers 501. */
  triggers?: Pick<TriggerStore, 'list' | 'get' | 'setStopped' | 'update'>;
  /** Namespace permissions of people signed in with GitHub; without it every caller may do everything. */
  access?: NamespaceAccess;
  /** Flows written through the API (`osprey dev`); without it, writes answer 405. */
  flowWriter?: FlowWriter;
  /** Largest request body in bytes (default 32 MiB; KV values and secrets 1 MiB). */
  maxBodyBytes?: number;
}
