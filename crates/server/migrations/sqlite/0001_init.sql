-- Parley server schema, version 1.
CREATE TABLE account (
    sid          TEXT PRIMARY KEY,
    auth_token   TEXT NOT NULL,
    date_created INTEGER NOT NULL
);

CREATE TABLE api_keys (
    sid           TEXT PRIMARY KEY,
    secret        TEXT NOT NULL,
    friendly_name TEXT,
    internal      INTEGER NOT NULL DEFAULT 0,
    date_created  INTEGER NOT NULL
);

CREATE TABLE services (
    sid                              TEXT PRIMARY KEY,
    friendly_name                    TEXT NOT NULL,
    default_service_role_sid         TEXT,
    default_channel_role_sid         TEXT,
    default_channel_creator_role_sid TEXT,
    read_status_enabled              INTEGER NOT NULL DEFAULT 1,
    reachability_enabled             INTEGER NOT NULL DEFAULT 0,
    typing_indicator_timeout         INTEGER NOT NULL DEFAULT 5,
    consumption_report_interval      INTEGER NOT NULL DEFAULT 10,
    limit_channel_members            INTEGER NOT NULL DEFAULT 100,
    limit_user_channels              INTEGER NOT NULL DEFAULT 250,
    pre_webhook_url                  TEXT,
    post_webhook_url                 TEXT,
    webhook_method                   TEXT,
    webhook_filters                  TEXT,
    pre_webhook_retry_count          INTEGER NOT NULL DEFAULT 0,
    post_webhook_retry_count         INTEGER NOT NULL DEFAULT 0,
    notifications                    TEXT NOT NULL,
    media_compatibility_message      TEXT,
    date_created                     INTEGER NOT NULL,
    date_updated                     INTEGER NOT NULL
);

CREATE TABLE credentials (
    sid           TEXT PRIMARY KEY,
    friendly_name TEXT,
    type          TEXT NOT NULL,
    sandbox       INTEGER,
    certificate   TEXT,
    private_key   TEXT,
    api_key       TEXT,
    secret        TEXT,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
);

CREATE TABLE roles (
    sid           TEXT PRIMARY KEY,
    service_sid   TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
    friendly_name TEXT NOT NULL,
    type          TEXT NOT NULL,
    permissions   TEXT NOT NULL,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
);
CREATE INDEX roles_by_service ON roles(service_sid);

CREATE TABLE users (
    sid           TEXT PRIMARY KEY,
    service_sid   TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
    identity      TEXT NOT NULL,
    friendly_name TEXT,
    attributes    TEXT NOT NULL DEFAULT '{}',
    role_sid      TEXT,
    password_hash TEXT,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL,
    UNIQUE (service_sid, identity)
);

CREATE TABLE channels (
    sid            TEXT PRIMARY KEY,
    service_sid    TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
    unique_name    TEXT,
    friendly_name  TEXT,
    attributes     TEXT NOT NULL DEFAULT '{}',
    type           TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    messages_count INTEGER NOT NULL DEFAULT 0,
    next_index     INTEGER NOT NULL DEFAULT 0,
    last_message_sid TEXT,
    date_created   INTEGER NOT NULL,
    date_updated   INTEGER NOT NULL,
    UNIQUE (service_sid, unique_name)
);
CREATE INDEX channels_by_service_type ON channels(service_sid, type);

CREATE TABLE members (
    sid                         TEXT PRIMARY KEY,
    service_sid                 TEXT NOT NULL,
    channel_sid                 TEXT NOT NULL REFERENCES channels(sid) ON DELETE CASCADE,
    identity                    TEXT NOT NULL,
    role_sid                    TEXT,
    attributes                  TEXT NOT NULL DEFAULT '{}',
    last_consumed_message_index INTEGER,
    last_consumption_timestamp  INTEGER,
    notification_level          TEXT NOT NULL DEFAULT 'default',
    date_created                INTEGER NOT NULL,
    date_updated                INTEGER NOT NULL,
    UNIQUE (channel_sid, identity)
);
CREATE INDEX members_by_identity ON members(service_sid, identity);

CREATE TABLE messages (
    sid             TEXT PRIMARY KEY,
    service_sid     TEXT NOT NULL,
    channel_sid     TEXT NOT NULL REFERENCES channels(sid) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    author          TEXT NOT NULL,
    body            TEXT NOT NULL,
    attributes      TEXT NOT NULL DEFAULT '{}',
    media           TEXT,
    last_updated_by TEXT,
    was_edited      INTEGER NOT NULL DEFAULT 0,
    date_created    INTEGER NOT NULL,
    date_updated    INTEGER NOT NULL,
    UNIQUE (channel_sid, idx)
);

CREATE TABLE invites (
    sid          TEXT PRIMARY KEY,
    service_sid  TEXT NOT NULL,
    channel_sid  TEXT NOT NULL REFERENCES channels(sid) ON DELETE CASCADE,
    identity     TEXT NOT NULL,
    role_sid     TEXT,
    created_by   TEXT,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    UNIQUE (channel_sid, identity)
);
CREATE INDEX invites_by_identity ON invites(service_sid, identity);

CREATE TABLE bindings (
    sid            TEXT PRIMARY KEY,
    service_sid    TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
    user_sid       TEXT NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
    identity       TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    credential_sid TEXT,
    binding_type   TEXT NOT NULL,
    message_types  TEXT NOT NULL,
    date_created   INTEGER NOT NULL,
    date_updated   INTEGER NOT NULL
);
CREATE INDEX bindings_by_service ON bindings(service_sid);

CREATE TABLE channel_webhooks (
    sid           TEXT PRIMARY KEY,
    service_sid   TEXT NOT NULL,
    channel_sid   TEXT NOT NULL REFERENCES channels(sid) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    configuration TEXT NOT NULL,
    date_created  INTEGER NOT NULL,
    date_updated  INTEGER NOT NULL
);
CREATE INDEX channel_webhooks_by_channel ON channel_webhooks(channel_sid);

CREATE TABLE refresh_tokens (
    token_hash   TEXT PRIMARY KEY,
    family       TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    identity     TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0,
    date_created INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
