/** Flow inputs: every Kestra input type with its own constraints, and flow outputs. */
import { z } from 'zod';
import { Duration, Id, InputId, Json } from './primitives.ts';

export const InputTypeName = z.enum([
  'STRING',
  'INT',
  'FLOAT',
  'BOOLEAN',
  'BOOL',
  'DATETIME',
  'DATE',
  'TIME',
  'DURATION',
  'FILE',
  'JSON',
  'YAML',
  'URI',
  'SECRET',
  'SELECT',
  'MULTISELECT',
  'ARRAY',
  'EMAIL',
  'ENUM',
]);
export type InputTypeName = z.infer<typeof InputTypeName>;

const common = {
  id: InputId,
  /** Kestra's pre-0.15 spelling of `id`; read as the id (with a warning) so older flows run unchanged. */
  name: InputId.optional().meta({ deprecated: true }),
  description: z.string().optional(),
  displayName: z.string().optional(),
  required: z.boolean().optional().meta({ description: 'Default true: an execution without it is refused' }),
  defaults: Json.optional(),
  prefill: Json.optional(),
  dependsOn: z
    .strictObject({ inputs: z.array(z.string()).min(1), condition: z.string().optional() })
    .optional(),
};

const input = <T extends string>(type: T | readonly [T, ...T[]], shape: z.core.$ZodLooseShape = {}) =>
  z.strictObject({
    type: typeof type === 'string' ? z.literal(type) : z.enum(type as [T, ...T[]]),
    ...common,
    ...shape,
  });

const selectShape = {
  values: z.union([z.array(z.string()), z.string()]).optional(),
  options: z.array(z.string()).optional(),
  expression: z.string().optional(),
  allowCustomValue: z.boolean().optional(),
  autoSelectFirst: z.boolean().optional(),
  isRadio: z.boolean().optional(),
};

const dateBounds = { after: z.string().optional(), before: z.string().optional() };

export const Input = z.discriminatedUnion('type', [
  input('STRING', {
    validator: z.string().optional(),
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(0).optional(),
  }),
  input('INT', { min: z.int().optional(), max: z.int().optional() }),
  input('FLOAT', { min: z.number().optional(), max: z.number().optional() }),
  input(['BOOLEAN', 'BOOL'] as const),
  input('DATETIME', dateBounds),
  input('DATE', dateBounds),
  input('TIME', dateBounds),
  input('DURATION', { min: Duration.optional(), max: Duration.optional() }),
  input('FILE', { allowedFileExtensions: z.array(z.string()).optional(), extension: z.string().optional() }),
  input('JSON'),
  input('YAML'),
  input('URI'),
  input('SECRET', { validator: z.string().optional() }),
  input('SELECT', selectShape),
  input('MULTISELECT', selectShape),
  input('ARRAY', { itemType: InputTypeName.exclude(['ARRAY', 'FILE', 'SELECT', 'MULTISELECT']) }),
  input('EMAIL'),
  input('ENUM', { values: z.array(z.string()).min(1) }),
]);
export type Input = z.infer<typeof Input>;

export const Output = z.strictObject({
  id: Id,
  type: InputTypeName,
  value: Json,
  description: z.string().optional(),
  displayName: z.string().optional(),
  required: z.boolean().optional(),
});
export type Output = z.infer<typeof Output>;
