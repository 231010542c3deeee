-- Apps (apps/**.yaml) deployed beside flows, who started each app execution and who decided on it,
-- and the audit log of every user and token action. `written_at` on logs and audit rows is when the
-- row was written (the transaction's time): log shippers read only rows a few seconds old, so a row
-- whose transaction commits after a younger one is never skipped by a shipper's cursor.
CREATE TABLE apps (
  namespace    text        NOT NULL,
  id           text        NOT NULL,
  flow_id      text        NOT NULL,
  repository   text        NOT NULL,
  sha          text        NOT NULL,
  path         text        NOT NULL,
  source       text        NOT NULL,
  deployed_at  timestamptz NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE INDEX apps_repository ON apps (repository);

CREATE TABLE app_executions (
  execution_id  text        PRIMARY KEY,
  namespace     text        NOT NULL,
  app_id        text        NOT NULL,
  -- The principal id of whoever submitted the form; NULL for an anonymous visitor of a PUBLIC app.
  created_by    text,
  created_at    timestamptz NOT NULL
);

CREATE TABLE app_decisions (
  execution_id  text        NOT NULL REFERENCES app_executions (execution_id) ON DELETE CASCADE,
  actor_id      text        NOT NULL,
  actor_name    text        NOT NULL,
  decision      text        NOT NULL CHECK (decision IN ('APPROVE', 'REJECT')),
  inputs        jsonb,
  decided_at    timestamptz NOT NULL,
  PRIMARY KEY (execution_id, actor_id)
);

CREATE TABLE audit_logs (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor_kind    text        NOT NULL,
  actor_id      text,
  actor_name    text,
  action        text        NOT NULL,
  resource_type text        NOT NULL,
  resource_id   text,
  namespace     text,
  method        text,
  path          text,
  status        integer,
  ip            text,
  user_agent    text,
  details       jsonb,
  written_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_at ON audit_logs (at);

ALTER TABLE logs ADD COLUMN written_at timestamptz NOT NULL DEFAULT now();
