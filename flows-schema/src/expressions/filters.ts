/**
 * The filter registry: Pebble/Kestra filters first, then any other LiquidJS built-in filter
 * (`upcase`, `append`, `plus`, `where`, `truncate`, ...) so Liquid syntax keeps working.
 */
import { toValueSync } from 'liquidjs';
import type { FilterDef } from './callables.ts';
import { COLLECTION_FILTERS } from './filters-collections.ts';
import { DATA_FILTERS } from './filters-data.ts';
import { KESTRA_FILTERS } from './filters-kestra.ts';
import { TEXT_FILTERS } from './filters-text.ts';
import { liquid } from './liquid-instance.ts';

const OWN: Readonly<Record<string, FilterDef>> = {
  ...TEXT_FILTERS,
  ...COLLECTION_FILTERS,
  ...DATA_FILTERS,
  ...KESTRA_FILTERS,
};

/** Kestra filters Osprey does not provide, with what to use instead. */
export const UNSUPPORTED_FILTERS: Readonly<Record<string, string>> = {
  toIon: 'use toJson',
};

/** A Liquid filter: positional arguments, named ones as `[name, value]` pairs, as LiquidJS expects. */
export interface LiquidFilterDef extends FilterDef {
  readonly liquid: true;
}

const liquidDefs = new Map<string, LiquidFilterDef>();

// Some Liquid filters are generators (they may read scope values); run them to completion.
function isGenerator(value: unknown): value is Generator<unknown, unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { throw?: unknown }).throw === 'function'
  );
}

function liquidFilter(name: string): LiquidFilterDef | undefined {
  const cached = liquidDefs.get(name);
  if (cached !== undefined) return cached;
  if (!Object.hasOwn(liquid.filters, name)) return undefined;
  const impl = liquid.filters[name]!;
  const handler = typeof impl === 'function' ? impl : impl.handler;
  const def: LiquidFilterDef = {
    liquid: true,
    params: [],
    apply(input, args, ctx) {
      const result: unknown = handler.call(
        { context: ctx, liquid, token: undefined as never },
        input,
        ...args,
      );
      return isGenerator(result) ? toValueSync(result) : result;
    },
  };
  liquidDefs.set(name, def);
  return def;
}

export function findFilter(name: string): FilterDef | LiquidFilterDef | undefined {
  if (Object.hasOwn(OWN, name)) return OWN[name];
  if (Object.hasOwn(UNSUPPORTED_FILTERS, name)) return undefined;
  return liquidFilter(name);
}

export function isLiquidFilter(def: FilterDef | LiquidFilterDef): def is LiquidFilterDef {
  return 'liquid' in def;
}
