-- Version 2: sign-in throttling kept in the database, so that it holds
-- across restarts and, on PostgreSQL, across nodes. One row per key
-- ('id:<identity>' or 'ip:<address>') and fixed window.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL
);
CREATE INDEX login_throttle_by_window ON login_throttle(window_start);
