/**
 * `/osprey run <namespace>.<flowId> [key=value ...]` in a pull-request comment. Values may be quoted
 * ("two words" or 'two words'). The flow id is the part after the last dot (ids have no dots).
 */

export type Command =
  | { kind: 'run'; namespace: string; flowId: string; inputs: Record<string, string> }
  | { kind: 'invalid'; message: string };

export const RUN_USAGE =
  '`/osprey run <namespace>.<flowId> [input=value ...]`, e.g. `/osprey run company.team.etl day=2024-01-31 "note=two words"`';

/** The first line starting with `/osprey` decides; undefined when the comment has none. */
export function parseCommand(body: string): Command | undefined {
  const line = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^\/osprey(\s|$)/.test(l));
  if (line === undefined) return undefined;
  const words = splitWords(line.slice('/osprey'.length));
  if (words === undefined) return { kind: 'invalid', message: `a quote is not closed. Usage: ${RUN_USAGE}` };
  const [verb, target, ...rest] = words;
  if (verb !== 'run')
    return {
      kind: 'invalid',
      message: `${verb ? `unknown command \`${verb}\`` : 'a command is missing'}. Usage: ${RUN_USAGE}`,
    };
  const dot = target?.lastIndexOf('.') ?? -1;
  if (target === undefined || dot <= 0 || dot === target.length - 1) {
    return { kind: 'invalid', message: `name the flow as <namespace>.<flowId>. Usage: ${RUN_USAGE}` };
  }
  const inputs: Record<string, string> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq <= 0)
      return {
        kind: 'invalid',
        message: `\`${word}\` is not an input: write key=value. Usage: ${RUN_USAGE}`,
      };
    inputs[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { kind: 'run', namespace: target.slice(0, dot), flowId: target.slice(dot + 1), inputs };
}

/** Shell-like words: whitespace separates, quotes group (anywhere in a word: key="a b"). */
function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) words.push(current);
  return words;
}
