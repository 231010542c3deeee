import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Annotation } from '../../../../app/src/github/checks/annotations.ts';
import { CheckRuns, clip } from '../../../../app/src/github/checks/check-runs.ts';
import type { GitHubClient } from '../../../../app/src/github/repository/github-client.ts';

function recordingClient(fail?: { status: number }) {
  const requests: Array<{ route: string; params: Record<string, unknown> }> = [];
  const client = {
    async request(route: string, params: Record<string, unknown>) {
      requests.push({ route, params });
      if (fail)
        throw Object.assign(new Error('HttpError'), {
          status: fail.status,
          request: { method: route.split(' ')[0], url: `https://api.github.com${route.split(' ')[1]}` },
          response: { headers: {}, data: {} },
        });
      return { data: { id: 9 } };
    },
  } as unknown as GitHubClient;
  return { client, requests };
}

const note = (line: number): Annotation => ({
  path: 'flows/a.yaml',
  start_line: line,
  end_line: line,
  annotation_level: 'failure',
  message: `problem ${line}`,
});

describe('CheckRuns', () => {
  it('sends annotations 50 per request, the first batch with the check run itself', async () => {
    const { client, requests } = recordingClient();
    const checks = new CheckRuns(client, 'acme/flows');
    const annotations = Array.from({ length: 120 }, (_, i) => note(i + 1));
    const id = await checks.create({
      name: 'Osprey / validate',
      head_sha: 'abc',
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'T', summary: 'S', annotations },
    });
    assert.equal(id, 9);
    assert.deepEqual(
      requests.map((r) => [
        r.route,
        (r.params['output'] as { annotations?: Annotation[] }).annotations?.length,
      ]),
      [
        ['POST /repos/{owner}/{repo}/check-runs', 50],
        ['PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', 50],
        ['PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', 20],
      ],
    );
    assert.deepEqual(
      [requests[0]?.params['owner'], requests[0]?.params['repo'], requests[0]?.params['conclusion']],
      ['acme', 'flows', 'failure'],
    );
    assert.equal(
      (requests[2]?.params['output'] as { annotations: Annotation[] } | undefined)?.annotations[19]
        ?.start_line,
      120,
    );
    assert.deepEqual(requests[1]?.params['output'], {
      title: 'T',
      summary: 'S',
      annotations: annotations.slice(50, 100),
    });
  });

  it('cuts texts to GitHub limits, saying so', async () => {
    const { client, requests } = recordingClient();
    await new CheckRuns(client, 'acme/flows').update(9, {
      output: { title: 't'.repeat(300), summary: 's'.repeat(70_000) },
    });
    const output = requests[0]?.params['output'] as { title: string; summary: string };
    assert.equal(output.title.length, 255);
    assert.equal(output.summary.length, 65_535);
    assert.match(output.summary, /cut: GitHub limits this text to 65 535 characters\)$/);
    assert.equal(clip('short'), 'short');
  });

  it('explains a missing checks permission', async () => {
    const { client } = recordingClient({ status: 403 });
    await assert.rejects(
      new CheckRuns(client, 'acme/flows').create({ name: 'Osprey / deploy', head_sha: 'abcdef1234' }),
      /^GitHubActionError: creating check run 'Osprey \/ deploy' on acme\/flows@abcdef1: the app lacks checks: write permission/,
    );
  });
});
