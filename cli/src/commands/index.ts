/** The static list of sub-commands. Each module exports `main(argv): Promise<number>` (the exit code). */
export interface CommandModule {
  main(argv: string[]): Promise<number>;
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
  run: {
    summary: 'Run a flow locally with the embedded engine',
    load: () => import('./run.ts'),
  },
};
