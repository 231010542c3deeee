/** Flow files used by the GitHub end-to-end tests; line numbers matter (annotations are asserted). */

export function helloFlow(message = 'hello from git', namespace = 'company.team'): string {
  return `id: hello
namespace: ${namespace}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: ${message}
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
`;
}

/** Three errors: task `first` (line 4) lacks `message`, has `mesage` (line 6); line 8 names an unknown task type. */
export const BROKEN_FLOW = `id: broken
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    mesage: typo
  - id: second
    type: io.kestra.plugin.core.log.Nope
`;

export function simpleFlow(id: string, namespace = 'company.team'): string {
  return `id: ${id}
namespace: ${namespace}
tasks:
  - id: only
    type: io.kestra.plugin.core.debug.Return
    format: "${id}"
`;
}

/** A task graph with an If (then/else) and an errors handler, for diagrams. */
export const PIPELINE_FLOW = `id: pipeline
namespace: company.team
tasks:
  - id: prepare
    type: io.kestra.plugin.core.log.Log
    message: prepare
  - id: decide
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: publish
        type: io.kestra.plugin.core.log.Log
        message: publish
    else:
      - id: skip
        type: io.kestra.plugin.core.log.Log
        message: skip
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: failed
`;

/** Runs on pushes to main and on pull requests into main that touch `data/**` (not Markdown). */
export const GIT_TRIGGERED_FLOW = `id: on-data
namespace: company.data
tasks:
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.event }} at {{ trigger.sha }}"
inputs:
  - id: ref
    type: STRING
    defaults: none
triggers:
  - id: on_change
    type: io.osprey.trigger.Git
    events: [push, pull_request]
    branches: [main]
    paths: ["data/**"]
    pathsIgnore: ["**/*.md"]
    inputs:
      ref: "{{ trigger.ref }}"
`;

/** Reads a namespace file on every push to main; its output is the file's text. */
export const GREET_FLOW = `id: greet
namespace: company.team
tasks:
  - id: read
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles:
      enabled: true
    commands:
      - greeting=$(cat greeting.txt)
      - echo "::{\\"outputs\\":{\\"greeting\\":\\"$greeting\\"}}::"
outputs:
  - id: greeting
    type: STRING
    value: "{{ outputs.read.vars.greeting }}"
triggers:
  - id: on_push
    type: io.osprey.trigger.Git
    events: [push]
    branches: [main]
`;

/** The push benches' flow: one Log task started by a Git trigger on pushes to main. */
export const PUSH_BENCH_FLOW = `id: on-push
namespace: bench.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.sha }}"
triggers:
  - id: git
    type: io.osprey.trigger.Git
    events: [push]
    branches: [main]
`;
