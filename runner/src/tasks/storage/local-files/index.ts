/**
 * `io.kestra.plugin.core.storage.LocalFiles` (deprecated in Kestra 0.17 for `inputFiles` and
 * `outputFiles`): `inputs` (file name → content or `kestra://` URI) are written into the working
 * directory — the shared one inside a `WorkingDirectory` — and the files matching the `outputs`
 * globs are uploaded to internal storage; output `uris` (file name → URI).
 */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { prepareWorkspace } from '../../../workspace/working-directory.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.storage.LocalFiles';

export const localFilesTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const workspace = await prepareWorkspace(ctx, { inputFiles: p.raw('inputs') });
    try {
      const uris = p.has('outputs') ? await workspace.collectOutputFiles(p.raw('outputs')) : {};
      return { state: 'SUCCESS', outputs: { uris } };
    } finally {
      await workspace.dispose();
    }
  },
};
