/**
 * What the GitHub App needs besides the deployment domain (`../deployments/ports.ts`), as small
 * interfaces: the webhook inbox, the execution launcher, check-run links and installations. Each has
 * an in-memory implementation in `memory/` (tests) and a Postgres one in `postgres/` (production).
 * Every method is safe to call from several app replicas: the ones that decide (claim, apply) are
 * atomic compare-and-set operations.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { ExecutionDocument, Label } from '../execution/contract.ts';

/** Webhook delivery ids already taken: a delivery is processed once, even when GitHub sends it twice. */
/** A webhook delivery as received: its id (`X-GitHub-Delivery`), event name and parsed body. */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * The deliveries received (an inbox): each id is processed once, across replicas; the payload is
 * kept until processed, so a delivery whose processing a crash or an error cut short is processed
 * again (`takeUnfinished`) rather than lost. Claims are leases, renewed while processing.
 */
export interface DeliveryLog {
  /** True when this call took the id (new, or its earlier processing ended unfinished); false for a duplicate. */
  claim(delivery: Delivery, leaseMs: number): Promise<boolean>;
  /** Processing goes on: keeps these claims for another `leaseMs`. */
  extend(ids: readonly string[], leaseMs: number): Promise<void>;
  /** Processed: the payload is dropped; the id stays taken for the retention window. */
  complete(id: string): Promise<void>;
  /**
   * Processing failed: the delivery may be claimed again (a redelivery, `takeUnfinished`) after
   * `retryMs`; after 5 failures it is given up (logged), until GitHub redelivers it.
   */
  fail(id: string, retryMs: number, error: string): Promise<void>;
  /** Claims up to `limit` deliveries whose processing ended unfinished, oldest first. */
  takeUnfinished(limit: number, leaseMs: number): Promise<Array<Delivery & { attempts: number }>>;
  /** The ids among `ids` received within the retention window (processed or not). */
  received(ids: readonly string[]): Promise<Set<string>>;
}

/** Failed processings of one delivery before it is given up. */
export const MAX_DELIVERY_ATTEMPTS = 5;

export interface LaunchRequest {
  /** `owner/name`. */
  repository: string;
  installationId: number;
  /** The execution is pinned to this commit: its flow and namespace files are read there. */
  sha: string;
  /** Path of the flow file at `sha`. */
  path: string;
  /**
   * The event that asks for this execution (a GitHub delivery id): the execution's id is derived
   * from it, the repository and the path, so a second launch for the same event returns the first.
   */
  occurrence?: string;
  flow: Flow;
  /** Raw inputs (strings from a comment, or values from a trigger); the execution service parses them. */
  inputs?: Record<string, unknown>;
  labels?: Label[];
  trigger?: ExecutionDocument['trigger'];
}

/** Starts executions of repository flows; they are reported as check runs on `sha`. */
export interface ExecutionLauncher {
  /** Throws `InputsRefused` (from the execution contract) when the inputs are invalid. */
  launch(request: LaunchRequest): Promise<ExecutionDocument>;
}

/** The check run that reports an execution, so a restarted app updates it rather than adding one. */
export interface CheckRunLink {
  repository: string;
  checkRunId: number;
}

export interface CheckRunLinks {
  get(executionId: string): Promise<CheckRunLink | undefined>;
  set(executionId: string, link: CheckRunLink): Promise<void>;
  /**
   * True when `reporter` (a replica) is the one reporting the execution for the next `leaseMs`: it
   * already was, nobody was, or the previous reporter's lease ended. Others send nothing.
   */
  claimReporter(executionId: string, reporter: string, leaseMs: number): Promise<boolean>;
}

/** Installation of the app on each repository (learnt from webhooks; the API answers otherwise). */
export interface InstallationIndex {
  get(repository: string): Promise<number | undefined>;
  set(repository: string, installationId: number): Promise<void>;
}
