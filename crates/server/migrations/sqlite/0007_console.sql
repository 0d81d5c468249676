-- Version 7: the operator console and the admin API.
-- Console sessions: the browser holds a random token in an HttpOnly cookie;
-- only its SHA-256 is stored. `principal_sid` is the account SID or the API
-- key SID that signed in; a session ends after `idle_timeout` seconds
-- without a request (`last_seen`) or at `date_expires`.
CREATE TABLE console_sessions (
    token_hash    TEXT PRIMARY KEY,
    principal_sid TEXT NOT NULL,
    csrf_token    TEXT NOT NULL,
    address       TEXT,
    date_created  INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    date_expires  INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_principal ON console_sessions (principal_sid);
-- Every change made with admin credentials (console or REST): who, what,
-- when, from where, and the settings before and after (JSON, secrets
-- redacted). Append-only; ids only grow (AUTOINCREMENT), so paging by id is
-- stable.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    date_created INTEGER NOT NULL,
    actor_sid    TEXT NOT NULL,
    via          TEXT NOT NULL,
    address      TEXT,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_sid   TEXT,
    status       INTEGER NOT NULL,
    request      TEXT,
    before_state TEXT,
    after_state  TEXT
);
CREATE INDEX audit_log_by_actor ON audit_log (actor_sid, id);
-- Who was active on which day (UTC days since the epoch), and when last:
-- usage counts active users from it, the console shows last activity.
CREATE TABLE user_activity (
    service_sid TEXT NOT NULL,
    identity    TEXT NOT NULL,
    day         INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (service_sid, day, identity)
);
CREATE INDEX user_activity_by_identity ON user_activity (service_sid, identity, day);
ALTER TABLE account ADD COLUMN date_auth_token_rotated INTEGER;
-- "Sign out everywhere": access tokens issued up to then are refused.
ALTER TABLE users ADD COLUMN signed_out_at INTEGER;
-- Usage per day counts rows by creation time without scanning a table.
CREATE INDEX messages_by_service_date ON messages (service_sid, date_created);
CREATE INDEX users_by_service_date ON users (service_sid, date_created);
CREATE INDEX channels_by_service_date ON channels (service_sid, date_created);
CREATE INDEX media_by_service_date ON media (service_sid, date_created);
-- Days that are over, counted once (store::usage): messages sent and media
-- bytes uploaded per service and UTC day, so usage over a long period does
-- not count a million messages again on every request.
CREATE TABLE usage_days (
    service_sid TEXT NOT NULL,
    day         INTEGER NOT NULL,
    messages    INTEGER NOT NULL,
    media_bytes INTEGER NOT NULL,
    PRIMARY KEY (service_sid, day)
);
