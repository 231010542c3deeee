/**
 * Apps (Kestra 0.20, `io.kestra.plugin.ee.apps.Execution`): a user-facing page declared in YAML
 * beside the flows (`apps/**.yaml`) that starts an execution of one flow from a form, shows it while
 * it runs, and approves (resumes) or rejects (cancels) it while it is paused. `layout` lists stages,
 * one per moment of the execution (`on: OPEN | CREATED | RUNNING | PAUSE | RESUME | SUCCESS |
 * FAILURE | ERROR | FALLBACK`), each with the blocks to show then, in order.
 *
 * Block type names are Kestra's (`io.kestra.plugin.ee.apps.core.blocks.Markdown`, ...); the older
 * `io.kestra.ee.apps.blocks.*` spellings of Kestra's first examples are accepted as aliases.
 * `approvals` is an Osprey extension (Kestra has no such property): the number of distinct people
 * who must approve before a paused execution resumes (docs/apps.md).
 */
import { z } from 'zod';
import { Duration, Id, LogLevel, Namespace } from '../schema/primitives.ts';

export const APP_TYPE = 'io.kestra.plugin.ee.apps.Execution';

export const AppStage = z.enum([
  'OPEN',
  'CREATED',
  'RUNNING',
  'PAUSE',
  'RESUME',
  'SUCCESS',
  'FAILURE',
  'ERROR',
  'FALLBACK',
]);
export type AppStage = z.infer<typeof AppStage>;

const ButtonStyle = z.enum(['DEFAULT', 'SUCCESS', 'DANGER', 'INFO', 'WARNING']);
const ButtonSize = z.enum(['SMALL', 'MEDIUM', 'LARGE', 'DEFAULT']);
const Filter = z.strictObject({
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
});
const button = {
  text: z.string().optional(),
  style: ButtonStyle.optional(),
  size: ButtonSize.optional(),
};

/** One block kind: its canonical type, aliases, the stages Kestra offers it on, its own properties. */
interface BlockKind {
  name: string;
  type: string;
  aliases: readonly string[];
  stages: readonly AppStage[];
  shape: z.core.$ZodLooseShape;
}

const CORE = 'io.kestra.plugin.ee.apps.core.blocks.';
const OLD = 'io.kestra.ee.apps.blocks.';
const EXEC = 'io.kestra.plugin.ee.apps.execution.blocks.';
const ALL: readonly AppStage[] = AppStage.options;

export const BLOCK_KINDS: readonly BlockKind[] = [
  {
    name: 'Markdown',
    type: `${CORE}Markdown`,
    aliases: [`${OLD}Markdown`],
    stages: ALL,
    shape: { content: z.string() },
  },
  {
    name: 'RedirectTo',
    type: 'io.kestra.plugin.ee.apps.blocks.RedirectTo',
    aliases: [`${CORE}RedirectTo`, `${OLD}RedirectTo`],
    stages: ALL,
    shape: { url: z.string().optional(), uri: z.string().optional(), delay: Duration.optional() },
  },
  {
    name: 'Alert',
    type: `${CORE}Alert`,
    aliases: [`${OLD}Alert`],
    stages: ALL,
    shape: {
      style: z.enum(['SUCCESS', 'WARNING', 'ERROR', 'INFO']).optional(),
      showIcon: z.boolean().optional(),
      content: z.string(),
    },
  },
  {
    name: 'Loading',
    type: `${CORE}Loading`,
    aliases: [`${OLD}Loading`],
    stages: ['CREATED', 'RUNNING', 'RESUME'],
    shape: {},
  },
  {
    name: 'Button',
    type: `${CORE}Button`,
    aliases: [`${OLD}Button`],
    stages: ALL,
    shape: { text: z.string(), url: z.string(), style: ButtonStyle.optional() },
  },
  { name: 'AutoRefresh', type: `${OLD}AutoRefresh`, aliases: [`${CORE}AutoRefresh`], stages: ALL, shape: {} },
  {
    name: 'CreateExecutionForm',
    type: `${EXEC}CreateExecutionForm`,
    aliases: [],
    stages: ['OPEN'],
    shape: {},
  },
  {
    name: 'CreateExecutionButton',
    type: `${EXEC}CreateExecutionButton`,
    aliases: [],
    stages: ['OPEN'],
    shape: button,
  },
  {
    name: 'ResumeExecutionForm',
    type: `${EXEC}ResumeExecutionForm`,
    aliases: [],
    stages: ['PAUSE'],
    shape: {},
  },
  {
    name: 'ResumeExecutionButton',
    type: `${EXEC}ResumeExecutionButton`,
    aliases: [],
    stages: ['PAUSE'],
    shape: button,
  },
  {
    name: 'CancelExecutionButton',
    type: `${EXEC}CancelExecutionButton`,
    aliases: [],
    stages: ['CREATED', 'RUNNING', 'PAUSE'],
    shape: button,
  },
  { name: 'Inputs', type: `${EXEC}Inputs`, aliases: [], stages: ALL, shape: { filter: Filter.optional() } },
  { name: 'Outputs', type: `${EXEC}Outputs`, aliases: [], stages: ALL, shape: { filter: Filter.optional() } },
  {
    name: 'Logs',
    type: `${EXEC}Logs`,
    aliases: [],
    stages: ALL,
    shape: {
      filter: z
        .strictObject({ logLevel: LogLevel.optional(), taskIds: z.array(z.string()).optional() })
        .optional(),
    },
  },
];

const byType = new Map<string, BlockKind>();
for (const kind of BLOCK_KINDS) for (const t of [kind.type, ...kind.aliases]) byType.set(t, kind);

/** The block kind a type name (or alias) names. */
export function blockKind(type: string): BlockKind | undefined {
  return byType.get(type);
}

export const AppBlock = z.discriminatedUnion(
  'type',
  BLOCK_KINDS.flatMap((kind) =>
    [kind.type, ...kind.aliases].map((t) => z.strictObject({ type: z.literal(t), ...kind.shape })),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
export type AppBlock = { type: string } & Record<string, unknown>;

export const AppAccessType = z.enum(['PUBLIC', 'PRIVATE']);
export type AppAccessType = z.infer<typeof AppAccessType>;

export const App = z
  .strictObject({
    id: Id,
    type: z.literal(APP_TYPE),
    namespace: Namespace,
    flowId: Id,
    displayName: z.string().min(1).max(150).optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    thumbnail: z.string().optional(),
    disabled: z.boolean().optional(),
    flowRevision: z.int().min(1).optional(),
    executionId: z.string().optional(),
    expiration: z
      .strictObject({ startDate: z.iso.datetime().optional(), endDate: z.iso.datetime().optional() })
      .optional(),
    access: z
      .union([
        AppAccessType,
        z.strictObject({
          type: AppAccessType,
          groups: z.array(z.string()).optional(),
          catalog: z.boolean().optional(),
        }),
      ])
      .optional()
      .meta({ description: 'PUBLIC: anyone with the URL; PRIVATE (default): signed-in users only' }),
    approvals: z
      .strictObject({
        required: z.int().min(1).max(20).meta({
          description: 'Distinct approvers needed before the paused execution resumes (default 1)',
        }),
      })
      .optional()
      .meta({
        description: 'Osprey extension: approval by several people. Nobody approves their own request.',
      }),
    layout: z.array(z.strictObject({ on: AppStage, blocks: z.array(AppBlock) })).optional(),
  })
  .meta({ title: 'Osprey app (Kestra io.kestra.plugin.ee.apps.Execution)' });
export type App = z.infer<typeof App>;

/** The access type of an app, PRIVATE unless it says otherwise (Kestra's default). */
export function accessOf(app: Pick<App, 'access'>): AppAccessType {
  const a = app.access;
  return a === undefined ? 'PRIVATE' : typeof a === 'string' ? a : a.type;
}

/** Kestra's default layout: a form and a submit button, then a thank-you note. */
export const DEFAULT_LAYOUT: NonNullable<App['layout']> = [
  {
    on: 'OPEN',
    blocks: [
      { type: `${EXEC}CreateExecutionForm` },
      { type: `${EXEC}CreateExecutionButton`, text: 'Submit', style: 'INFO', size: 'DEFAULT' },
    ],
  },
  { on: 'CREATED', blocks: [{ type: `${CORE}Markdown`, content: 'Thanks for submitting your request!' }] },
];
