/**
 * Reading what a user sees on GitHub: check runs on a commit and their annotations. The emulator
 * answers annotations as `{ total_count, check_annotations }` rather than GitHub's plain list and
 * drops columns (always null); this is the one place that tolerates both shapes. Columns are
 * asserted in the unit tests of the annotation conversion.
 */
import type { Api } from './emulator.ts';

export interface SeenCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
}

export interface SeenAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number | null;
  end_column: number | null;
  annotation_level: string;
  message: string;
}

export async function checkRuns(api: Api, repository: string, sha: string): Promise<SeenCheckRun[]> {
  const { status, body } = await api(
    'GET',
    `/repos/${repository}/commits/${sha}/check-runs?per_page=100&filter=all`,
  );
  if (status !== 200) throw new Error(`listing check runs of ${sha}: HTTP ${status}`);
  return (body.check_runs as SeenCheckRun[]).sort((a, b) => a.id - b.id);
}

export async function annotations(
  api: Api,
  repository: string,
  checkRunId: number,
): Promise<SeenAnnotation[]> {
  const { status, body } = await api(
    'GET',
    `/repos/${repository}/check-runs/${checkRunId}/annotations?per_page=100`,
  );
  if (status !== 200) throw new Error(`listing annotations of check run ${checkRunId}: HTTP ${status}`);
  return (Array.isArray(body) ? body : body.check_annotations) as SeenAnnotation[];
}

/** The completed check run named `name` on `sha` (the latest one), or undefined while there is none. */
export async function completedCheck(
  api: Api,
  repository: string,
  sha: string,
  name: string,
): Promise<SeenCheckRun | undefined> {
  const runs = (await checkRuns(api, repository, sha)).filter((r) => r.name === name);
  const last = runs.at(-1);
  return last?.status === 'completed' ? last : undefined;
}
