-- CityOps's own tables in the cluster's PostgreSQL database. Every statement is idempotent: each node runs
-- this file on start (under the schema advisory lock). Times are Unix epoch milliseconds, like the SQLite store.

CREATE TABLE IF NOT EXISTS cases (
  id         TEXT PRIMARY KEY,
  status     TEXT NOT NULL,
  code       TEXT NOT NULL,
  unit       TEXT,
  grid       TEXT,
  device_id  TEXT,
  rule_id    TEXT,
  opened_at  BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at DESC);
CREATE INDEX IF NOT EXISTS cases_device ON cases (device_id, rule_id);
CREATE INDEX IF NOT EXISTS cases_status ON cases (status, opened_at DESC);

-- The durable log of case changes (SSE ids, webhook events). Sequence numbers are handed out under a
-- transaction advisory lock, so they commit in order and a reader that saw n never misses n-1.
CREATE TABLE IF NOT EXISTS case_events (
  seq        BIGINT PRIMARY KEY,
  event_key  TEXT NOT NULL,
  case_id    TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         BIGINT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_events_at ON case_events (at);

CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq        BIGINT PRIMARY KEY,
  case_id    TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_outbox_pending ON webhook_outbox (state, seq);

-- Alarms (预警, CONTRACT §7): one row per alarm, written by its device grain; the filters' columns beside the JSON.
CREATE TABLE IF NOT EXISTS alarms (
  id           TEXT PRIMARY KEY,
  device_id    TEXT NOT NULL,
  rule_id      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  severity     TEXT NOT NULL,
  status       TEXT NOT NULL,
  disposition  TEXT NOT NULL,
  acknowledged INTEGER NOT NULL,
  grid         TEXT,
  unit         TEXT,
  zones        TEXT,
  raised_at    BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  body         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarms_raised ON alarms (raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_status ON alarms (status, raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_device ON alarms (device_id, rule_id);
CREATE INDEX IF NOT EXISTS alarms_disposition ON alarms (disposition, raised_at DESC);

-- The durable log of alarm changes (the alarm stream's SSE ids, alarm webhook events), numbered like case_events.
CREATE TABLE IF NOT EXISTS alarm_events (
  seq        BIGINT PRIMARY KEY,
  event_key  TEXT NOT NULL,
  alarm_id   TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         BIGINT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarm_events_at ON alarm_events (at);

CREATE TABLE IF NOT EXISTS alarm_outbox (
  seq        BIGINT PRIMARY KEY,
  alarm_id   TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS alarm_outbox_pending ON alarm_outbox (state, seq);

-- Incidents (CONTRACT §8): one row per incident, written by its incident grain; its events go to alarm_events/alarm_outbox.
CREATE TABLE IF NOT EXISTS incidents (
  id         TEXT PRIMARY KEY,
  rule_id    TEXT NOT NULL,
  group_key  TEXT NOT NULL,
  status     TEXT NOT NULL,
  severity   TEXT NOT NULL,
  case_id    TEXT,
  opened_at  BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at DESC);
CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, opened_at DESC);

CREATE TABLE IF NOT EXISTS devices (
  id     TEXT PRIMARY KEY,
  kind   TEXT NOT NULL,
  grid   TEXT,
  online BOOLEAN NOT NULL,
  parent TEXT,
  body   TEXT NOT NULL
);
-- Databases from before root causes were found by the directory lack the column (a device's parent attribute): added
-- once, and filled from the stored bodies.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'devices' AND column_name = 'parent') THEN
    ALTER TABLE devices ADD COLUMN parent TEXT;
    UPDATE devices SET parent = body::jsonb -> 'attributes' ->> 'parent';
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS devices_kind ON devices (kind, id);
CREATE INDEX IF NOT EXISTS devices_grid ON devices (grid, id);
CREATE INDEX IF NOT EXISTS devices_parent ON devices (parent, id);

CREATE TABLE IF NOT EXISTS rule_versions (
  version    INTEGER PRIMARY KEY,
  created_at BIGINT NOT NULL,
  author     TEXT NOT NULL,
  sources    TEXT NOT NULL,
  note       TEXT
);

-- One row: the zones in force and a version that every node polls.
CREATE TABLE IF NOT EXISTS zones (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL,
  geojson TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS silences (
  id      TEXT PRIMARY KEY,
  ends_at BIGINT NOT NULL,
  body    TEXT NOT NULL
);

-- Change counters other nodes poll (silences; rules and zones carry their own versions).
CREATE TABLE IF NOT EXISTS cityops_changes (
  topic   TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);

-- Orleans grain state (PostgresGrainStorage): the Orleans binary format, an etag for optimistic concurrency,
-- so a stale activation (a node declared dead that still runs) cannot overwrite a newer state.
CREATE TABLE IF NOT EXISTS grain_state (
  grain_id   TEXT NOT NULL,
  state_name TEXT NOT NULL,
  etag       BIGINT NOT NULL,
  payload    BYTEA NOT NULL,
  PRIMARY KEY (grain_id, state_name)
);

-- The audit log of API writes (DbAuditLog). Each node keeps its own in SQLite; the table lets it move here.
CREATE TABLE IF NOT EXISTS audit_log (
  seq      BIGSERIAL PRIMARY KEY,
  at       BIGINT NOT NULL,
  actor    TEXT NOT NULL,
  method   TEXT NOT NULL,
  path     TEXT NOT NULL,
  resource TEXT,
  status   INTEGER NOT NULL,
  remote   TEXT,
  repeats  INTEGER NOT NULL DEFAULT 1
);
-- Databases from before refusals were aggregated lack the column.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS repeats INTEGER NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at DESC);
