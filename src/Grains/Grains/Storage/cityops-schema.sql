-- CityOps's own tables, one script for both databases: the node's SQLite file (CityOps:DataDir/cityops.db) and the
-- cluster's PostgreSQL database. Every statement is CREATE ... IF NOT EXISTS: each node runs it on start (on
-- PostgreSQL under the schema advisory lock), and a database written by an earlier version opens as it is; columns
-- added since are added by the dialect's upgrade steps (SqliteDialect, PostgresSchema) right after this script.
-- Times are Unix epoch milliseconds on both.
--
-- The few spellings that differ are placeholders, filled by the dialect's SchemaSpelling (SQLite / PostgreSQL):
--   {bigint}         a 64-bit integer                      INTEGER / BIGINT
--   {bytes}          a byte string                         BLOB / BYTEA
--   {bool}           a flag                                INTEGER / BOOLEAN
--   {log_seq}        the key of an event log numbered by CityOps, never reused
--                                                          INTEGER PRIMARY KEY AUTOINCREMENT / BIGINT PRIMARY KEY
--   {serial_seq}     the key of a log numbered by the database
--                                                          INTEGER PRIMARY KEY AUTOINCREMENT / BIGSERIAL PRIMARY KEY
--   {without_rowid}  after a table with its own primary key and no rowid use
--                                                          " WITHOUT ROWID" / ""

CREATE TABLE IF NOT EXISTS cases (
  id         TEXT PRIMARY KEY,
  status     TEXT NOT NULL,
  code       TEXT NOT NULL,
  unit       TEXT,
  grid       TEXT,
  device_id  TEXT,
  rule_id    TEXT,
  opened_at  {bigint} NOT NULL,
  updated_at {bigint} NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at DESC);
CREATE INDEX IF NOT EXISTS cases_device ON cases (device_id, rule_id);
CREATE INDEX IF NOT EXISTS cases_status ON cases (status, opened_at DESC);

-- The durable log of case changes (SSE ids, webhook events). Numbers are handed out in commit order (PostgreSQL:
-- under a transaction advisory lock; SQLite: by the one writer), so a reader that saw n never misses n-1.
CREATE TABLE IF NOT EXISTS case_events (
  seq        {log_seq},
  event_key  TEXT NOT NULL,
  case_id    TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         {bigint} NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_events_at ON case_events (at);

CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq        {bigint} PRIMARY KEY,
  case_id    TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    {bigint} NOT NULL,
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
  raised_at    {bigint} NOT NULL,
  updated_at   {bigint} NOT NULL,
  body         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarms_raised ON alarms (raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_status ON alarms (status, raised_at DESC);
CREATE INDEX IF NOT EXISTS alarms_device ON alarms (device_id, rule_id);
CREATE INDEX IF NOT EXISTS alarms_disposition ON alarms (disposition, raised_at DESC);

-- The durable log of alarm changes (the alarm stream's SSE ids, alarm webhook events), numbered like case_events.
CREATE TABLE IF NOT EXISTS alarm_events (
  seq        {log_seq},
  event_key  TEXT NOT NULL,
  alarm_id   TEXT NOT NULL,
  event      TEXT NOT NULL,
  at         {bigint} NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alarm_events_at ON alarm_events (at);

CREATE TABLE IF NOT EXISTS alarm_outbox (
  seq        {bigint} PRIMARY KEY,
  alarm_id   TEXT NOT NULL,
  state      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  next_at    {bigint} NOT NULL,
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
  opened_at  {bigint} NOT NULL,
  updated_at {bigint} NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at DESC);
CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, opened_at DESC);

CREATE TABLE IF NOT EXISTS devices (
  id     TEXT PRIMARY KEY,
  kind   TEXT NOT NULL,
  grid   TEXT,
  online {bool} NOT NULL,
  parent TEXT,
  body   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_kind ON devices (kind, id);
CREATE INDEX IF NOT EXISTS devices_grid ON devices (grid, id);
-- devices_parent (parent, id) is made by each dialect after adding the column to databases from before it.

CREATE TABLE IF NOT EXISTS rule_versions (
  version    INTEGER PRIMARY KEY,
  created_at {bigint} NOT NULL,
  author     TEXT NOT NULL,
  sources    TEXT NOT NULL,
  note       TEXT
);

-- One row: the zones in force and a version that every node polls (a single node keeps zones.geojson instead).
CREATE TABLE IF NOT EXISTS zones (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version {bigint} NOT NULL,
  geojson TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS silences (
  id      TEXT PRIMARY KEY,
  ends_at {bigint} NOT NULL,
  body    TEXT NOT NULL
);

-- Change counters the silence book polls (silences; rules and zones carry their own versions).
CREATE TABLE IF NOT EXISTS cityops_changes (
  topic   TEXT PRIMARY KEY,
  version {bigint} NOT NULL
);

-- Orleans grain state (DbGrainStorage): the Orleans binary format, an etag for optimistic concurrency,
-- so a stale activation (a node declared dead that still runs) cannot overwrite a newer state.
CREATE TABLE IF NOT EXISTS grain_state (
  grain_id   TEXT NOT NULL,
  state_name TEXT NOT NULL,
  etag       {bigint} NOT NULL,
  payload    {bytes} NOT NULL,
  PRIMARY KEY (grain_id, state_name)
){without_rowid};

-- The audit log of API writes (the Api's DbAuditLog); each node keeps its own in SQLite, the table lets it move to PostgreSQL.
CREATE TABLE IF NOT EXISTS audit_log (
  seq      {serial_seq},
  at       {bigint} NOT NULL,
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
