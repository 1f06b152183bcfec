-- The event log: the record. Append-only; every row hashed (SM3) and chained to the one before.
CREATE TABLE event (
    position        BIGINT  PRIMARY KEY,
    stream_id       TEXT    NOT NULL,
    stream_version  BIGINT  NOT NULL,
    event_type      TEXT    NOT NULL,
    region_code     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    recorded_at_ms  BIGINT  NOT NULL,
    payload         TEXT    NOT NULL,
    prev_hash       BLOB    NOT NULL,
    hash            BLOB    NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX event_region_position ON event (region_code, position);

-- Projections: rebuilt from events, updated in the same transaction as the events.
CREATE TABLE platform_region (
    region_code     TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    parent_code     TEXT,
    enabled_at_ms   BIGINT  NOT NULL
);

CREATE TABLE entity (
    credit_code           TEXT    PRIMARY KEY,
    name                  TEXT    NOT NULL,
    region_code           TEXT    NOT NULL,
    legal_rep_name        TEXT    NOT NULL,
    legal_rep_id_masked   TEXT    NOT NULL,
    contact_name          TEXT    NOT NULL,
    contact_phone         TEXT    NOT NULL,
    address               TEXT    NOT NULL,
    registered_at_ms      BIGINT  NOT NULL,
    updated_at_ms         BIGINT  NOT NULL,
    version               BIGINT  NOT NULL
);
CREATE INDEX entity_region ON entity (region_code, credit_code);

CREATE TABLE app_user (
    user_id         TEXT    PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    region_code     TEXT    NOT NULL,
    created_at_ms   BIGINT  NOT NULL
);

CREATE TABLE user_role (
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id),
    role            TEXT    NOT NULL,
    region_code     TEXT    NOT NULL,
    PRIMARY KEY (user_id, role, region_code)
);

CREATE TABLE entity_member (
    credit_code     TEXT    NOT NULL REFERENCES entity (credit_code),
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id),
    PRIMARY KEY (credit_code, user_id)
);
CREATE INDEX entity_member_user ON entity_member (user_id);

-- Operational state: secrets and throttling, deliberately not events (never part of the public record).
CREATE TABLE credential (
    user_id         TEXT    PRIMARY KEY REFERENCES app_user (user_id),
    password_hash   TEXT    NOT NULL,
    updated_at_ms   BIGINT  NOT NULL
);

CREATE TABLE user_session (
    token_hash      BLOB    PRIMARY KEY,
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id),
    csrf_token      TEXT    NOT NULL,
    created_at_ms   BIGINT  NOT NULL,
    expires_at_ms   BIGINT  NOT NULL
);

CREATE TABLE api_token (
    token_hash      BLOB    PRIMARY KEY,
    token_id        TEXT    NOT NULL UNIQUE,
    user_id         TEXT    NOT NULL REFERENCES app_user (user_id),
    name            TEXT    NOT NULL,
    created_at_ms   BIGINT  NOT NULL,
    expires_at_ms   BIGINT  NOT NULL,
    revoked         BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE login_failure (
    username        TEXT    NOT NULL,
    at_ms           BIGINT  NOT NULL
);
CREATE INDEX login_failure_username ON login_failure (username, at_ms);

CREATE TABLE idempotency (
    scope           TEXT    NOT NULL,
    idem_key        TEXT    NOT NULL,
    request_hash    BLOB    NOT NULL,
    status          BIGINT,
    response_body   TEXT,
    created_at_ms   BIGINT  NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
