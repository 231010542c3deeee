/**
 * Rendering a trigger's `inputs` with the trigger variables (`{{ trigger.ref }}`) before the
 * execution starts. The default renders with plain LiquidJS, sandboxed (own properties only, bounded
 * output); the server may pass the flow-expression renderer instead.
 */
import { Liquid } from 'liquidjs';

export type RenderTriggerInputs = (
  inputs: Record<string, unknown>,
  context: { trigger: Record<string, unknown> },
) => Promise<Record<string, unknown>>;

export function liquidTriggerInputs(): RenderTriggerInputs {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    memoryLimit: 10_000_000,
    renderLimit: 1000,
  });
  const render = async (value: unknown, scope: Record<string, unknown>): Promise<unknown> => {
    if (typeof value === 'string')
      return value.includes('{{') || value.includes('{%') ? engine.parseAndRender(value, scope) : value;
    if (Array.isArray(value)) return Promise.all(value.map((v) => render(v, scope)));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await render(v, scope);
      return out;
    }
    return value;
  };
  return async (inputs, context) => (await render(inputs, context)) as Record<string, unknown>;
}
