/**
 * The seed examples of the Kestra release notes that need script, DuckDB, GraalVM and Snowflake
 * plugins, run as written through the executor and the embedded runner; external services are
 * replaced by local stand-ins (an HTTP server, a `snow` script).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { GitMirrorCache } from '../../../../runner/src/workspace/git-namespace-files.ts';
import { namespaceFilesForJobs } from '../../../../runner/src/workspace/job-namespace-files.ts';
import { LocalNamespaceFiles } from '../../../../runner/src/workspace/local-namespace-files.ts';
import { origin, scratch } from '../workspace/git-repos.ts';
import { seed, seedService, transcript } from './seed-service.ts';
import { fileServer, ORDERS_CSV, snowStandIn } from './stand-ins.ts';

/** main.py of the deepest namespace prints which namespace it comes from and every file it sees. */
const MAIN = (from: string) =>
  `import os\nfiles = sorted(os.path.join(d, f)[2:] for d, _, fs in os.walk(".") for f in fs)\nprint("main.py from ${from}")\nprint("files: " + ", ".join(files))\n`;

const INHERITANCE_FILES = {
  'namespaces/company/files/main.py': MAIN('company'),
  'namespaces/company/files/company.txt': 'c',
  'namespaces/company/files/shared/config.ini': 'from company',
  'namespaces/company.team/files/team.txt': 't',
  'namespaces/company.team/files/shared/config.ini': 'from team',
  'namespaces/company.team.myproject/files/main.py': MAIN('company.team.myproject'),
};

test('namespace_files_inheritance: the later namespace’s main.py runs and files of all three are there (local repository)', async (t) => {
  const root = await scratch(t, 'osprey-repo-');
  for (const [path, content] of Object.entries(INHERITANCE_FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const local = new LocalNamespaceFiles(root);
  const seeds = await seedService({ namespaceFiles: namespaceFilesForJobs({ local }) });
  t.after(seeds.cleanup);
  const run = await seeds.run(seed('namespace_files_inheritance'));
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  const messages = run.logs.map((l) => l.message);
  assert.ok(messages.includes('main.py from company.team.myproject'), transcript(run));
  assert.ok(messages.includes('files: company.txt, main.py, shared/config.ini, team.txt'), transcript(run));
  assert.deepEqual(run.outputs('ns'), { vars: {}, exitCode: 0 });
});

test('namespace_files_inheritance from git: each execution sees the namespace files of its pinned commit', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const a = await repo.commit(INHERITANCE_FILES);
  const b = await repo.commit({
    'namespaces/company.team.myproject/files/main.py': 'print("main.py at commit B")\n',
  });
  const git = new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') });
  const seeds = await seedService({ namespaceFiles: namespaceFilesForJobs({ git }) });
  t.after(seeds.cleanup);

  const atB = await seeds.run(seed('namespace_files_inheritance'), {
    source: { repository: repo.url, sha: b },
  });
  assert.equal(atB.doc.state.current, 'SUCCESS', transcript(atB));
  assert.ok(
    atB.logs.some((l) => l.message === 'main.py at commit B'),
    transcript(atB),
  );

  const atA = await seeds.run(seed('namespace_files_inheritance'), {
    source: { repository: repo.url, sha: a },
  });
  assert.equal(atA.doc.state.current, 'SUCCESS', transcript(atA));
  assert.ok(
    atA.logs.some((l) => l.message === 'main.py from company.team.myproject'),
    transcript(atA),
  );

  const gone = await seeds.run(seed('namespace_files_inheritance'), {
    source: { repository: repo.url, sha: 'f'.repeat(40) },
  });
  assert.equal(gone.doc.state.current, 'FAILED');
  assert.ok(
    gone.logs.some(
      (l) =>
        l.level === 'ERROR' &&
        l.message === `git: commit ${'f'.repeat(40)} is not in ${repo.url}; was it force-pushed away?`,
    ),
    transcript(gone),
  );
});

test('duckdb_demo: the second query reads my_data from the database file of the first', async (t) => {
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const run = await seeds.run(seed('duckdb_demo'));
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  assert.match(
    String(run.outputs('duckdb')['databaseUri']),
    /^kestra:\/\/\/company\/team\/duckdb_demo\/.+\.duckdb$/,
  );
  const stored = run.outputs('downstream');
  assert.equal(stored['size'], 2);
  const lines = (await seeds.storage.get(String(stored['uri'])))
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.sort((x, y) => String(x.field2).localeCompare(String(y.field2))),
    [
      { field2: 'A', 'sum(field1)': 3 },
      { field2: 'B', 'sum(field1)': 3 },
    ],
  );
});

test('duckdb_no_working_dir: a downloaded CSV is read by relative name (download served locally)', async (t) => {
  const server = await fileServer(ORDERS_CSV, 'text/csv');
  t.after(server.close);
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const yaml = seed('duckdb_no_working_dir').replace(
    'https://huggingface.co/datasets/kestra/datasets/raw/main/csv/orders.csv',
    `${server.url}/datasets/kestra/datasets/raw/main/csv/orders.csv`,
  );
  assert.ok(yaml.includes(server.url), 'the test copy points at the stand-in');
  const run = await seeds.run(yaml);
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  const query = run.outputs('query');
  assert.equal(query['size'], 3);
  const first = JSON.parse((await seeds.storage.get(String(query['uri']))).toString().split('\n')[0]!);
  assert.deepEqual(first, {
    order_id: 1,
    customer_name: 'Kelly Olsen',
    customer_email: 'jenniferschneider@example.com',
    product_id: 20,
    price: 166.89,
    quantity: 1,
    total: 166.89,
  });
});

test('parse_json_data: the downloaded JSON rendered into Python gives data.next_month == 5 (xkcd served locally)', async (t) => {
  const comic = {
    month: '4',
    num: 2916,
    link: '',
    year: '2024',
    news: '',
    safe_title: 'Stand-in',
    transcript: '',
    alt: 'true, false and null all appear',
    img: 'https://imgs.xkcd.com/comics/x.png',
    title: 'Stand-in',
    day: '8',
    extra: { published: true, archived: false, errata: null },
  };
  const server = await fileServer(JSON.stringify(comic), 'application/json');
  t.after(server.close);
  const seeds = await seedService();
  t.after(seeds.cleanup);
  const yaml = seed('parse_json_data').replace('http://xkcd.com/info.0.json', `${server.url}/info.0.json`);
  const run = await seeds.run(yaml);
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  const data = (run.outputs('graal')['outputs'] as { data: Record<string, unknown> }).data;
  assert.equal(data['next_month'], 5);
  assert.deepEqual(data['extra'], { published: true, archived: false, errata: null });
});

test('run_snowpark_function: snow runs with the credentials from secrets, the password never logged', async (t) => {
  const bin = await snowStandIn(t);
  const path = process.env['PATH'];
  process.env['PATH'] = `${bin}:${path}`;
  t.after(() => {
    process.env['PATH'] = path;
  });
  const seeds = await seedService({
    secrets: {
      SNOWFLAKE_ACCOUNT: 'acme-xy12345',
      SNOWFLAKE_USERNAME: 'robot',
      SNOWFLAKE_PASSWORD: 'pa55-w0rd!',
    },
  });
  t.after(seeds.cleanup);
  const run = await seeds.run(seed('run_snowpark_function'));
  assert.equal(run.doc.state.current, 'SUCCESS', transcript(run));
  const messages = run.logs.map((l) => l.message);
  assert.ok(messages.includes('snow --info'), transcript(run));
  assert.ok(messages.includes('snow snowpark execute function process_data()'), transcript(run));
  // All three come from secret(), so all three are masked wherever they show.
  assert.ok(messages.includes('account=****** user=****** password=present home=set'), transcript(run));
  assert.ok(messages.includes('password is ******'), transcript(run));
  assert.ok(!transcript(run).includes('pa55-w0rd!'));
});
