-- Version 6: durable deliveries, their log, rate-limit counters.
-- Work to do after a commit (a post-event webhook call, a push), written in
-- the same transaction as the change it is about, so it survives a restart
-- and is never done for a change that rolled back (jobs.rs). A worker on any
-- node claims due jobs by leasing them; a lease that runs out (the node
-- died) makes the job due again.
CREATE TABLE jobs (
    -- AUTOINCREMENT: an id is never reused, so a late outcome of a job
    -- that was taken again cannot touch a newer job.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    service_sid TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    due_ms BIGINT NOT NULL,
    lease_until_ms BIGINT NOT NULL DEFAULT 0,
    date_created BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_ms);
CREATE INDEX jobs_leased ON jobs (lease_until_ms);
-- What each delivery attempt came to, for operators (GET /admin/…/Deliveries).
CREATE TABLE delivery_log (
    id INTEGER PRIMARY KEY,
    service_sid TEXT NOT NULL,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status BIGINT,
    attempt BIGINT NOT NULL,
    detail TEXT,
    date_created BIGINT NOT NULL
);
CREATE INDEX delivery_log_by_service ON delivery_log (service_sid, id);
CREATE INDEX delivery_log_by_date ON delivery_log (date_created);
-- Actions per second: one row per limited action, counted over a sliding
-- window inside the writer's transaction (ratelimit.rs). Rows are only ever
-- inserted (no counter row to lock), so writers on several connections
-- never wait on each other here.
CREATE TABLE action_log (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX action_log_by_key ON action_log (key, at);
-- Parley extensions of a service: let changes through when the pre-event
-- webhook cannot be reached; its own actions-per-second limits.
ALTER TABLE services ADD COLUMN pre_webhook_fail_open BIGINT NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN limit_channel_actions BIGINT;
ALTER TABLE services ADD COLUMN limit_service_actions BIGINT;
-- Push delivery: a binding's device token (FCM registration token, APNs
-- device token); APNs token auth on a credential (a Parley extension: the
-- .p8 key is PrivateKey, with its key ID, team ID and topic); and why a
-- provider last refused a credential (cleared when it is updated).
ALTER TABLE bindings ADD COLUMN address TEXT;
ALTER TABLE credentials ADD COLUMN apn_key_id TEXT;
ALTER TABLE credentials ADD COLUMN apn_team_id TEXT;
ALTER TABLE credentials ADD COLUMN apn_topic TEXT;
ALTER TABLE credentials ADD COLUMN failure TEXT;
ALTER TABLE credentials ADD COLUMN date_failed BIGINT;
