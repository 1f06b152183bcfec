-- Supervision alerts (预警): one row per alert, projected from its stream (alert-{id}) for the
-- regulators' lists; the evidence is in the stream's events.
CREATE TABLE alert (
    alert_id            TEXT    PRIMARY KEY,
    region_code         TEXT    NOT NULL,
    tender_id           TEXT    NOT NULL,
    lot_id              TEXT    NOT NULL,
    rule                TEXT    NOT NULL,
    score_permille      BIGINT  NOT NULL,
    state               TEXT    NOT NULL,
    raised_at_ms        BIGINT  NOT NULL,
    updated_at_ms       BIGINT  NOT NULL,
    version             BIGINT  NOT NULL
);
CREATE INDEX alert_region ON alert (region_code, state, raised_at_ms);
CREATE INDEX alert_tender ON alert (tender_id, lot_id);
