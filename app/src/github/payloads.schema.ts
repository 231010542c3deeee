/**
 * The fields of GitHub webhook payloads that Osprey reads, validated at the edge (DESIGN.md: every
 * input is validated). Loose objects: GitHub adds fields freely; a missing field we need is an error
 * that names it.
 */
import { z } from 'zod';

const Repository = z.looseObject({
  full_name: z.string(),
  default_branch: z.string().optional(),
});
const Installation = z.looseObject({ id: z.number().int() });
const User = z.looseObject({ login: z.string(), type: z.string().optional() });

export const PushPayload = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: Repository,
  installation: Installation,
  sender: User.optional(),
  head_commit: z.looseObject({ message: z.string() }).nullish(),
});
export type PushPayload = z.infer<typeof PushPayload>;

const PullRequestRef = z.looseObject({
  ref: z.string(),
  sha: z.string(),
  repo: z.looseObject({ full_name: z.string() }).nullish(),
});

export const PullRequest = z.looseObject({
  number: z.number().int(),
  head: PullRequestRef,
  base: PullRequestRef,
});
export type PullRequest = z.infer<typeof PullRequest>;

export const PullRequestPayload = z.looseObject({
  action: z.string(),
  pull_request: PullRequest,
  repository: Repository,
  installation: Installation,
  sender: User.optional(),
});
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

export const IssueCommentPayload = z.looseObject({
  action: z.string(),
  issue: z.looseObject({ number: z.number().int(), pull_request: z.unknown().optional() }),
  comment: z.looseObject({ id: z.number().int(), body: z.string(), user: User }),
  repository: Repository,
  installation: Installation,
});
export type IssueCommentPayload = z.infer<typeof IssueCommentPayload>;

export const CheckRunPayload = z.looseObject({
  action: z.string(),
  check_run: z.looseObject({
    id: z.number().int(),
    name: z.string(),
    head_sha: z.string(),
    external_id: z.string().nullish(),
    check_suite: z.looseObject({ head_branch: z.string().nullish() }).nullish(),
  }),
  requested_action: z.looseObject({ identifier: z.string() }).nullish(),
  repository: Repository,
  installation: Installation,
  sender: User.optional(),
});
export type CheckRunPayload = z.infer<typeof CheckRunPayload>;

export const CheckSuitePayload = z.looseObject({
  action: z.string(),
  check_suite: z.looseObject({
    id: z.number().int(),
    head_sha: z.string(),
    head_branch: z.string().nullish(),
  }),
  repository: Repository,
  installation: Installation,
  sender: User.optional(),
});
export type CheckSuitePayload = z.infer<typeof CheckSuitePayload>;

/** Parse a payload, or throw an error naming the event and the field. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new Error(
    `${event} webhook payload: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}; Osprey cannot process this delivery`,
  );
}
