/** Conditions that gate triggers (`io.kestra.plugin.core.condition.*`), with their older names. */
import { z } from 'zod';
import { Json, Labels, StateName } from '../schema/primitives.ts';

interface ConditionSpec {
  name: string;
  /** Older class name under io.kestra.core.models.conditions.types, when it differs. */
  oldName?: string;
  properties: z.core.$ZodLooseShape;
}

const AnyCondition: z.ZodType = z.lazy(() => Condition);

const specs: ConditionSpec[] = [
  {
    name: 'ExecutionStatus',
    properties: { in: z.array(StateName).optional(), notIn: z.array(StateName).optional() },
  },
  { name: 'ExecutionFlow', properties: { namespace: z.string(), flowId: z.string() } },
  {
    name: 'ExecutionNamespace',
    properties: {
      namespace: z.string(),
      prefix: z.boolean().optional(),
      comparison: z.enum(['EQUALS', 'PREFIX', 'SUFFIX']).optional(),
    },
  },
  { name: 'ExecutionLabels', properties: { labels: Labels } },
  { name: 'ExecutionOutputs', properties: { expression: z.string() } },
  { name: 'Expression', oldName: 'VariableCondition', properties: { expression: z.string() } },
  {
    name: 'HasRetryAttempt',
    properties: { in: z.array(StateName).optional(), notIn: z.array(StateName).optional() },
  },
  { name: 'FlowNamespace', properties: { namespace: z.string(), prefix: z.boolean().optional() } },
  { name: 'Flow', properties: { namespace: z.string(), flowId: z.string() } },
  {
    name: 'DayWeek',
    properties: {
      date: z.string().optional(),
      dayOfWeek: z.enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']),
    },
  },
  {
    name: 'DayWeekInMonth',
    properties: {
      date: z.string().optional(),
      dayOfWeek: z.enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']),
      dayInMonth: z.enum(['FIRST', 'LAST', 'SECOND', 'THIRD', 'FOURTH']),
    },
  },
  { name: 'Weekend', properties: { date: z.string().optional() } },
  {
    name: 'DateTimeBetween',
    properties: { date: z.string().optional(), after: z.string().optional(), before: z.string().optional() },
  },
  {
    name: 'TimeBetween',
    properties: { date: z.string().optional(), after: z.string().optional(), before: z.string().optional() },
  },
  {
    name: 'PublicHoliday',
    properties: {
      date: z.string().optional(),
      country: z.string().optional(),
      subDivision: z.string().optional(),
    },
  },
  { name: 'Not', properties: { conditions: z.array(AnyCondition).min(1) } },
  { name: 'Or', properties: { conditions: z.array(AnyCondition).min(1) } },
  {
    name: 'MultipleCondition',
    oldName: 'MultipleCondition',
    properties: {
      id: z.string(),
      window: z.string().optional(),
      windowAdvance: z.string().optional(),
      conditions: z.record(z.string(), AnyCondition),
      resetOnSuccess: z.boolean().optional(),
    },
  },
];

export const conditionTypeNames: string[] = [];

const options = specs.map((spec) => {
  const canonical = `io.kestra.plugin.core.condition.${spec.name}`;
  const names = [
    canonical,
    `io.kestra.core.models.conditions.types.${spec.oldName ?? `${spec.name}Condition`}`,
    `io.kestra.plugin.core.condition.${spec.name}Condition`,
  ];
  conditionTypeNames.push(...names);
  return z.strictObject({ type: z.enum(names as [string, ...string[]]), ...spec.properties });
});

export const Condition = z
  .discriminatedUnion('type', options as unknown as [z.ZodObject, ...z.ZodObject[]])
  .meta({ id: 'Condition' });
export type Condition = { type: string } & Record<string, unknown>;
export { Json };
