/** The Apps section of a validate or deploy check run's summary. */
import type { AppDeployment } from '../../apps/app-store.ts';

export function appsSummary(apps: AppDeployment | undefined): string {
  if (apps === undefined || (apps.deployed.length === 0 && apps.refused.length === 0)) return '';
  const lines = ['', '### Apps', '', '| file | app | result |', '| --- | --- | --- |'];
  for (const a of apps.deployed) lines.push(`| \`${a.path}\` | \`${a.namespace}/${a.id}\` | ✅ valid |`);
  for (const r of apps.refused) {
    const n = r.issues.filter((i) => i.severity === 'error').length;
    lines.push(`| \`${r.path}\` | | ❌ ${n} error(s), see the annotations |`);
  }
  return `${lines.join('\n')}\n`;
}
