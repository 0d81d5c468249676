-- Version 5: hardening.
-- Users an admin deleted: a token issued before the deletion must not bring
-- the user back (auth::verify_token), a token issued after it may.
CREATE TABLE deleted_users (
    service_sid TEXT NOT NULL,
    identity TEXT NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (service_sid, identity)
);
-- Devices that signed in before (SHA-256 of their device token): a correct
-- password from one is throttled per device, so strangers guessing a user's
-- password cannot lock that user out (auth::ratelimit).
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    service_sid TEXT NOT NULL,
    identity TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    last_used BIGINT NOT NULL
);
CREATE INDEX login_devices_identity ON login_devices (service_sid, identity);
-- API keys can be renamed (POST …/Keys/{Sid}.json).
ALTER TABLE api_keys ADD COLUMN date_updated BIGINT;
