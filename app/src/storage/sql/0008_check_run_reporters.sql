-- One check-run reporter per execution across replicas: the replica that first reports an
-- execution owns its check run while it keeps reporting (a lease renewed at each update); the
-- others, which also hear its end, send nothing. An owner that died is replaced once its lease ends.
CREATE TABLE check_run_reporters (
  execution_id  text        PRIMARY KEY,
  reporter      text        NOT NULL,
  lease_until   timestamptz NOT NULL
);
CREATE INDEX check_run_reporters_lease ON check_run_reporters (lease_until);
