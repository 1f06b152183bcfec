-- The expert pool (专家库): one row per expert, projected from the expert's stream (expert-{id}).
-- `details_json` is the record as last registered or changed; it holds personal data, shown only to
-- the roles the policy allows (authz::Action::ReadExpertPersonal). One resident ID registers once.
CREATE TABLE expert (
    expert_id           TEXT    PRIMARY KEY,
    region_code         TEXT    NOT NULL,
    resident_id         TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    specialties         TEXT    NOT NULL,
    user_id             TEXT,
    details_json        TEXT    NOT NULL,
    registered_at_ms    BIGINT  NOT NULL,
    updated_at_ms       BIGINT  NOT NULL,
    version             BIGINT  NOT NULL
);
CREATE UNIQUE INDEX expert_resident ON expert (resident_id);
CREATE INDEX expert_region ON expert (region_code, expert_id);
CREATE INDEX expert_user ON expert (user_id);

-- The secret of a scheduled draw. Operational, not derived from events: only its commitment is
-- recorded when the draw is scheduled; the draw's event reveals it (docs/draw.md).
CREATE TABLE draw_secret (
    draw_id             TEXT    PRIMARY KEY,
    secret              BLOB   NOT NULL,
    created_at_ms       BIGINT  NOT NULL
);

-- Notifications waiting to be sent (outbox): written in the transaction of the event that causes
-- them, sent by the server's drain through a pluggable sender, marked when sent.
CREATE TABLE outbox (
    message_id          TEXT    PRIMARY KEY,
    recipient           TEXT    NOT NULL,
    subject             TEXT    NOT NULL,
    body                TEXT    NOT NULL,
    created_at_ms       BIGINT  NOT NULL,
    sent_at_ms          BIGINT,
    attempts            BIGINT  NOT NULL,
    last_error          TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at_ms, created_at_ms);
