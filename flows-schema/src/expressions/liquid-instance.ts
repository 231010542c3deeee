/**
 * The single LiquidJS engine behind all rendering. Liquid gives the template structure (blocks,
 * whitespace, `break`/`continue`, its filter library); expressions are ours (see compiler.ts).
 * It is configured so nothing can reach the file system and lookups stay on own properties.
 */
import { Liquid } from 'liquidjs';

export const liquid = new Liquid({
  // In-memory template map: partial/layout lookups never touch the disk (those tags are disabled anyway).
  templates: {},
  ownPropertyOnly: true,
  strictFilters: true,
  timezoneOffset: 0,
  locale: 'en-US',
  greedy: true,
});
