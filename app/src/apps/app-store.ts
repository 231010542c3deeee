/**
 * The deployed apps: `apps/**.yaml` of a repository, validated and stored when the repository's
 * flows are deployed (a push to the default branch, or `osprey dev` reading its folder). An app
 * names the flow it runs; the flow is looked up when the app is used, so an app may be deployed
 * before its flow.
 */
import { APP_TYPE, type App } from '../../../flows-schema/src/apps/app.ts';
import { validateAppSource } from '../../../flows-schema/src/apps/validate-app.ts';
import type { Issue } from '../../../flows-schema/src/issue.ts';
import { getApp, listApps, replaceApps } from '../storage/apps.ts';
import type { Database } from '../storage/database.ts';

export interface AppFile {
  path: string;
  source: string;
}

export interface DeployedApp {
  app: App;
  repository: string;
  sha: string;
  path: string;
}

export interface AppDeployment {
  deployed: Array<{ path: string; namespace: string; id: string }>;
  refused: Array<{ path: string; issues: Issue[] }>;
}

/** Validates app files; those with an error are refused with their issues. */
export function checkAppFiles(files: readonly AppFile[]): {
  valid: Array<AppFile & { app: App }>;
  refused: AppDeployment['refused'];
} {
  const valid: Array<AppFile & { app: App }> = [];
  const refused: AppDeployment['refused'] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const r = validateAppSource(f.source);
    if (r.app === undefined) {
      refused.push({ path: f.path, issues: r.issues });
      continue;
    }
    const key = `${r.app.namespace}/${r.app.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      refused.push({
        path: f.path,
        issues: [
          {
            code: 'duplicate-app-id',
            path: 'id',
            message: `app ${r.app.namespace}.${r.app.id} is already declared in ${first}; give one of them another id`,
            range: r.source.rangeOf(['id']),
            severity: 'error',
          },
        ],
      });
      continue;
    }
    seen.set(key, f.path);
    valid.push({ ...f, app: r.app });
  }
  return { valid, refused };
}

/** Whether a YAML file's text declares an app (its `type:` is Kestra's app type). */
export function looksLikeApp(source: string): boolean {
  return source.includes(APP_TYPE);
}

export class AppStore {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** Deploys the app files of `repository` at `sha`: valid ones replace what was there, refused ones change nothing. */
  async deploy(repository: string, sha: string, files: readonly AppFile[]): Promise<AppDeployment> {
    const { valid, refused } = checkAppFiles(files);
    await this.#db.transaction((tx) =>
      replaceApps(
        tx,
        repository,
        valid.map((v) => ({
          namespace: v.app.namespace,
          id: v.app.id,
          flowId: v.app.flowId,
          sha,
          path: v.path,
          source: v.source,
        })),
        refused.map((r) => r.path),
        new Date(),
      ),
    );
    return {
      deployed: valid.map((v) => ({ path: v.path, namespace: v.app.namespace, id: v.app.id })),
      refused,
    };
  }

  async get(namespace: string, id: string): Promise<DeployedApp | undefined> {
    const row = await getApp(this.#db, namespace, id);
    if (row === undefined) return undefined;
    const app = validateAppSource(row.source).app;
    return app === undefined ? undefined : { app, repository: row.repository, sha: row.sha, path: row.path };
  }

  async list(): Promise<Array<{ namespace: string; id: string; flowId: string; path: string }>> {
    return (await listApps(this.#db)).map((r) => ({
      namespace: r.namespace,
      id: r.id,
      flowId: r.flowId,
      path: r.path,
    }));
  }
}
