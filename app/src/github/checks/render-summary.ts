/**
 * Check-run summaries from our own Liquid templates (`templates/check-runs/*.liquid`), rendered with
 * liquidjs directly: they are not flow expressions. Templates see only the view objects built in
 * `*-view.ts` (an allow-list of fields), and only own properties of them.
 */
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../../../templates/check-runs/', import.meta.url));

export type SummaryTemplate = 'deploy' | 'validate' | 'execution';

const engine = new Liquid({
  root: TEMPLATES_DIR,
  extname: '.liquid',
  ownPropertyOnly: true,
  strictFilters: true,
  cache: true,
  jsTruthy: true,
});

/** A value for a Markdown table cell: one line, pipes escaped, length bounded. */
engine.registerFilter('cell', (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  const line = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
});
/** Text inside a fenced code block: a fence in the text cannot close ours. */
engine.registerFilter('fenced', (value: unknown) => String(value ?? '').replace(/```/g, '`\u200b``'));
engine.registerFilter('short_sha', (value: unknown) => String(value ?? '').slice(0, 7));

export async function renderSummary(template: SummaryTemplate, view: object): Promise<string> {
  const text: string = await engine.renderFile(template, view as Record<string, unknown>);
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
