-- What the GitHub App remembers besides flows: which check run reports each execution, and which
-- installation of the app covers each repository. Repositories are stored lower-case (GitHub names
-- are case-insensitive).

CREATE TABLE check_run_links (
  execution_id text        PRIMARY KEY,
  repository   text        NOT NULL,
  check_run_id bigint      NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE github_installations (
  repository      text        PRIMARY KEY,
  installation_id bigint      NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
