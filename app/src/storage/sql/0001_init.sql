-- Osprey's tables. Runs with search_path set to Osprey's schema, inside the migration transaction.
-- pg-boss creates and migrates its own tables in its own schema.

-- Flows. A revision is a deployed change of a flow (a commit that changed its YAML, or its
-- removal); `flows` points at the current revision of each flow.
CREATE TABLE flow_revisions (
  namespace   text        NOT NULL,
  flow_id     text        NOT NULL,
  revision    integer     NOT NULL CHECK (revision > 0),
  repository  text,                           -- owner/name; NULL for flows not deployed from git
  branch      text,
  path        text,                           -- file path inside the repository
  sha         text,                           -- commit the revision was deployed from
  source      text        NOT NULL,           -- the YAML as committed
  deleted     boolean     NOT NULL DEFAULT false,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, flow_id, revision)
);
CREATE INDEX flow_revisions_commit ON flow_revisions (repository, sha);

CREATE TABLE flows (
  namespace   text        NOT NULL,
  flow_id     text        NOT NULL,
  revision    integer     NOT NULL,
  deleted     boolean     NOT NULL DEFAULT false,
  repository  text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, flow_id),
  FOREIGN KEY (namespace, flow_id, revision) REFERENCES flow_revisions (namespace, flow_id, revision)
);
CREATE INDEX flows_repository ON flows (repository) WHERE NOT deleted;

-- The last commit deployed per repository and branch (a redelivered push deploys nothing twice).
CREATE TABLE repository_deployments (
  repository  text        NOT NULL,
  branch      text        NOT NULL,
  sha         text        NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository, branch)
);

-- A namespace belongs to one repository.
CREATE TABLE namespace_owners (
  namespace   text        PRIMARY KEY,
  repository  text        NOT NULL,
  claimed_at  timestamptz NOT NULL DEFAULT now()
);

-- Executions. The engine's execution (task runs included) is one JSON document, updated whole with
-- a version check; the columns beside it are copies for lookups and lists.
CREATE TABLE executions (
  id            text        PRIMARY KEY,
  namespace     text        NOT NULL,
  flow_id       text        NOT NULL,
  flow_revision integer,
  state         text        NOT NULL,
  repository    text,
  sha           text,
  parent_id     text,
  document      jsonb       NOT NULL,
  version       integer     NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz
);
CREATE INDEX executions_flow ON executions (namespace, flow_id, created_at DESC);
CREATE INDEX executions_created ON executions (created_at DESC);
CREATE INDEX executions_unfinished ON executions (state) WHERE ended_at IS NULL;
CREATE INDEX executions_commit ON executions (repository, sha);
CREATE INDEX executions_parent ON executions (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE logs (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  execution_id text        NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  task_run_id  text,
  task_id      text,
  attempt      integer,
  level        text        NOT NULL CHECK (level IN ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR')),
  message      text        NOT NULL,
  ts           timestamptz NOT NULL
);
CREATE INDEX logs_execution ON logs (execution_id, id);
CREATE INDEX logs_task_run ON logs (task_run_id, id) WHERE task_run_id IS NOT NULL;
CREATE INDEX logs_ts ON logs (ts);

-- Key-value store: typed values, optional expiry.
CREATE TABLE kv (
  namespace   text        NOT NULL,
  key         text        NOT NULL,
  type        text        NOT NULL CHECK (type IN ('STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON')),
  value       jsonb       NOT NULL,
  description text,
  expires_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, key)
);
CREATE INDEX kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL;

-- Secrets of the Postgres backend: AES-256-GCM; the plaintext is never stored.
CREATE TABLE secrets (
  namespace   text        NOT NULL,
  name        text        NOT NULL,
  ciphertext  bytea       NOT NULL,
  iv          bytea       NOT NULL CHECK (length(iv) = 12),
  tag         bytea       NOT NULL CHECK (length(tag) = 16),
  key_id      text        NOT NULL,           -- which master key encrypted it (rotation)
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);
CREATE INDEX secrets_key_id ON secrets (key_id);

-- API tokens and runner registration tokens: only the SHA-256 of the secret part is stored.
CREATE TABLE api_tokens (
  id           text        PRIMARY KEY,
  kind         text        NOT NULL CHECK (kind IN ('api', 'registration')),
  name         text        NOT NULL,
  secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (kind, name) WHERE revoked_at IS NULL;

-- Registered runners and the hash of their credential.
CREATE TABLE runners (
  id              text        PRIMARY KEY,
  name            text        NOT NULL,
  labels          jsonb       NOT NULL DEFAULT '{}',
  credential_hash bytea       NOT NULL CHECK (length(credential_hash) = 32),
  registered_with text        NOT NULL,       -- id of the registration token, or 'env'
  registered_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz,
  revoked_at      timestamptz
);

-- Per-trigger state (last and next fire time, backfill progress).
CREATE TABLE trigger_state (
  namespace    text        NOT NULL,
  flow_id      text        NOT NULL,
  trigger_id   text        NOT NULL,
  state        jsonb       NOT NULL DEFAULT '{}',
  next_fire_at timestamptz,
  disabled     boolean     NOT NULL DEFAULT false,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, flow_id, trigger_id)
);
CREATE INDEX trigger_state_due ON trigger_state (next_fire_at) WHERE NOT disabled AND next_fire_at IS NOT NULL;

-- GitHub webhook deliveries, so a redelivered one is processed once.
CREATE TABLE webhook_deliveries (
  delivery_id  text        PRIMARY KEY,
  event        text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
