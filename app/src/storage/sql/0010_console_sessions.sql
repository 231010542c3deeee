-- The web console: people signed in with GitHub, and the announcements admins show on every page.
-- A session row holds a digest of the session secret (the cookie carries the secret itself) and what
-- GitHub said the user may read and write at sign-in; the GitHub token is not kept.
CREATE TABLE console_sessions (
  id            text        PRIMARY KEY,
  secret_hash   bytea       NOT NULL,
  login         text        NOT NULL,
  repositories  jsonb       NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Kestra 0.20's Announcements: a message of a type, shown between its start and end dates.
CREATE TABLE announcements (
  id          text        PRIMARY KEY,
  message     text        NOT NULL,
  type        text        NOT NULL,
  start_date  timestamptz NOT NULL,
  end_date    timestamptz NOT NULL,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL
);
