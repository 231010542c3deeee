/** `osprey init [dir]`: start a flow repository from the demo template (refuses a non-empty folder). */
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, exitWith } from '../program.ts';

const TEMPLATE = fileURLToPath(new URL('../../../templates/demo/', import.meta.url));

function isLocalState(path: string): boolean {
  const rel = relative(TEMPLATE, path);
  return rel === '.osprey' || rel.startsWith(`.osprey${sep}`);
}

export function command(): Command {
  return new Command('init')
    .description('Creates a flow repository (flows/, namespaces/) in dir (default: the current folder).')
    .argument('[dir]', 'a new or empty folder')
    .action(exitWith((dir: string | undefined) => init(dir)));
}

async function init(dir: string | undefined): Promise<number> {
  const target = resolve(dir ?? '.');
  if (existsSync(target) && readdirSync(target).filter((f) => f !== '.git').length > 0) {
    console.error(`osprey init: ${target} is not empty; choose a new or empty folder`);
    return 2;
  }
  mkdirSync(target, { recursive: true });
  // Only the template's content: not the data `osprey dev templates/demo` leaves in `.osprey/`.
  cpSync(TEMPLATE, target, { recursive: true, filter: (source) => !isLocalState(source) });
  console.log(`Created a flow repository in ${target}:`);
  for (const f of [
    'flows/company/team/hello_world.yaml',
    'namespaces/company/kv.yaml',
    '.github/workflows/osprey.yml',
  ])
    console.log(`  ${join(target, f)}`);
  console.log(
    `\nNext: cd ${dir ?? '.'} && npx osprey validate && npx osprey run flows/company/team/hello_world.yaml`,
  );
  return 0;
}
