/**
 * The static list of sub-commands. Each module exports `command()`: its commander definition
 * (arguments, options, help) whose action sets the exit code. Modules load on demand.
 */
import type { Command as CommanderCommand } from 'commander';

export interface CommandModule {
  command(): CommanderCommand;
}

export interface Command {
  summary: string;
  load(): Promise<CommandModule>;
}

export const commands: Record<string, Command> = {
  init: {
    summary: 'Create a flow repository from the demo template',
    load: () => import('./init.ts'),
  },
  validate: {
    summary: 'Validate flow files (default: the repository convention, flows/**)',
    load: () => import('./validate.ts'),
  },
  dev: {
    summary: 'Run server + runner + embedded database on a local repository, redeploying on change',
    load: () => import('./dev.ts'),
  },
  run: {
    summary: 'Run a flow locally with the embedded engine',
    load: () => import('./run.ts'),
  },
  server: {
    summary: 'Run the Osprey server (API, engine workers, runner protocol)',
    load: () => import('./server.ts'),
  },
  runner: {
    summary: 'Run tasks for an Osprey server (--server URL --token T)',
    load: () => import('./runner.ts'),
  },
  kv: {
    summary: "Get, set, list and delete a server's KV entries",
    load: () => import('./kv.ts'),
  },
  secrets: {
    summary: "List, set and delete a server's secrets (values read from stdin, never argv)",
    load: () => import('./secrets.ts'),
  },
  plugins: {
    summary: 'List, install and remove versioned task plugins (a task picks one with version:)',
    load: () => import('./plugins.ts'),
  },
  tokens: {
    summary: 'Create, list and revoke API and runner registration tokens (on the database)',
    load: () => import('./tokens.ts'),
  },
};
