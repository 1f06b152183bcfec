-- Credit records of market entities (信用记录): administrative penalties and restrictions decided by a
-- supervising authority, one row per decision, written from its `CreditRecorded` event and marked when
-- revoked. Procedures in every region ask it before admitting a bidder (一处失信、处处受限).
CREATE TABLE credit_record (
    record_id        TEXT    NOT NULL PRIMARY KEY,
    credit_code      TEXT    NOT NULL,
    region_code      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    scope            TEXT,
    authority        TEXT    NOT NULL,
    document_no      TEXT    NOT NULL,
    decided_on       TEXT    NOT NULL,
    barred_from      TEXT,
    barred_until     TEXT,
    basis            TEXT    NOT NULL,
    facts            TEXT    NOT NULL,
    recorded_at_ms   BIGINT  NOT NULL,
    revoked_reason   TEXT,
    revoked_at_ms    BIGINT
);
CREATE INDEX credit_record_entity ON credit_record (credit_code);
CREATE INDEX credit_record_recorded ON credit_record (recorded_at_ms);
