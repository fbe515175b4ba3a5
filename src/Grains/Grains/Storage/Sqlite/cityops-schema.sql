-- CityOps's tables in the node's SQLite file (CityOps:DataDir/cityops.db). Every statement is idempotent: it runs on
-- each start, and a file written by an earlier version opens as it is (SqliteDialect adds columns added since).
-- Times are Unix epoch milliseconds, like the PostgreSQL schema (Postgres/cityops-schema.sql).

CREATE TABLE IF NOT EXISTS cases (
  id         TEXT PRIMARY KEY,
  status     TEXT NOT NULL,
  code       TEXT NOT NULL,
  unit       TEXT,
  grid       TEXT,
  device_id  TEXT,
  rule_id    TEXT,
  opened_at  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at DESC);
CREATE INDEX IF NOT EXISTS cases_device ON cases (device_id, rule_id);
CREATE INDEX IF NOT EXISTS cases_status ON cases (status, opened_at DESC);

-- The durable log of case changes (SSE ids, webhook events); numbers are handed out by the one writer.
CREATE TABLE IF NOT EXISTS case_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_key  TEXT NOT NULL,
  case_id    TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  body       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq        INTEGER PRIMARY KEY,
  case_id    TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    INTEGER NOT NULL,
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
  raised_at    INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  body         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarms_raised ON alarms (raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_status ON alarms (status, raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_device ON alarms (device_id, rule_id);
CREATE INDEX IF NOT EXISTS alarms_disposition ON alarms (disposition, raised_at DESC);

-- The durable log of alarm changes (the alarm stream's SSE ids, alarm webhook events), numbered like case_events.
CREATE TABLE IF NOT EXISTS alarm_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_key  TEXT NOT NULL,
  alarm_id   TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarm_events_at ON alarm_events (at);

CREATE TABLE IF NOT EXISTS alarm_outbox (
  seq        INTEGER PRIMARY KEY,
  alarm_id   TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    INTEGER NOT NULL,
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
  opened_at  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at DESC);
CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, opened_at DESC);

CREATE TABLE IF NOT EXISTS devices (
  id     TEXT PRIMARY KEY,
  kind   TEXT NOT NULL,
  grid   TEXT,
  online INTEGER NOT NULL,
  parent TEXT,
  body   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_kind ON devices (kind, id);
CREATE INDEX IF NOT EXISTS devices_grid ON devices (grid, id);
-- devices_parent (parent, id) is made by SqliteDialect, after adding the column to databases from before it.

CREATE TABLE IF NOT EXISTS rule_versions (
  version    INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  author     TEXT NOT NULL,
  sources    TEXT NOT NULL,
  note       TEXT
);

-- Zones live in zones.geojson beside this file on a single node; the table serves a store opened on this file.
CREATE TABLE IF NOT EXISTS zones (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  geojson TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS silences (
  id         TEXT PRIMARY KEY,
  ends_at    INTEGER NOT NULL,
  body       TEXT NOT NULL
);

-- Change counters the silence book polls, as in a cluster.
CREATE TABLE IF NOT EXISTS cityops_changes (
  topic   TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);

-- Orleans grain state (DbGrainStorage): the Orleans binary format and an etag for optimistic concurrency.
CREATE TABLE IF NOT EXISTS grain_state (
  grain_id   TEXT NOT NULL,
  state_name TEXT NOT NULL,
  etag       INTEGER NOT NULL,
  payload    BLOB NOT NULL,
  PRIMARY KEY (grain_id, state_name)
) WITHOUT ROWID;

-- The audit log of API writes (the Api's DbAuditLog); always the node's own.
CREATE TABLE IF NOT EXISTS audit_log (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  method   TEXT NOT NULL,
  path     TEXT NOT NULL,
  resource TEXT,
  status   INTEGER NOT NULL,
  remote   TEXT,
  repeats  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at DESC);
