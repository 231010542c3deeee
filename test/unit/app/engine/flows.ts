/** Flows for engine tests, written as YAML so they read like what users write. */
import YAML from 'yaml';
import type { Flow as FlowType } from '../../../../flows-schema/src/schema/flow.ts';
import { Flow } from '../../../../flows-schema/src/schema/flow.ts';

export function flow(yaml: string): FlowType {
  const parsed = Flow.safeParse(YAML.parse(yaml));
  if (!parsed.success) throw new Error(`invalid test flow: ${JSON.stringify(parsed.error.issues, null, 1)}`);
  return parsed.data as FlowType;
}
