-- Tenders (招标项目), their lots (标段), the opening-key escrow, bidder registrations and bids:
-- projections of the tender and bid events. Bids are one row per bidder and lot, so bidders in
-- the last minute never write the same row (DESIGN §5).
CREATE TABLE tender (
    tender_id               TEXT    PRIMARY KEY,
    region_code             TEXT    NOT NULL,
    title                   TEXT    NOT NULL,
    principal_credit_code   TEXT    NOT NULL,
    agency_credit_code      TEXT,
    ruleset_version         TEXT    NOT NULL,
    state                   TEXT    NOT NULL,
    documents_issued_ms     BIGINT,
    bid_deadline_ms         BIGINT,
    opening_public_key      TEXT,
    escrow_threshold        BIGINT,
    opening_record          TEXT,
    created_at_ms           BIGINT  NOT NULL,
    updated_at_ms           BIGINT  NOT NULL,
    version                 BIGINT  NOT NULL
);
CREATE INDEX tender_region ON tender (region_code, tender_id);

CREATE TABLE tender_lot (
    tender_id       TEXT    NOT NULL REFERENCES tender (tender_id),
    lot_id          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    failed_reason   TEXT,
    PRIMARY KEY (tender_id, lot_id)
);

-- One official's share of the opening key, encrypted (SM2) to that official's certificate.
CREATE TABLE escrow_share (
    tender_id           TEXT    NOT NULL REFERENCES tender (tender_id),
    official_user_id    TEXT    NOT NULL,
    share_index         BIGINT  NOT NULL,
    cert_serial         TEXT    NOT NULL,
    encrypted_share     BLOB    NOT NULL,
    PRIMARY KEY (tender_id, official_user_id)
);

CREATE TABLE bid_registration (
    tender_id           TEXT    NOT NULL REFERENCES tender (tender_id),
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    registered_at_ms    BIGINT  NOT NULL,
    PRIMARY KEY (tender_id, lot_id, bidder_credit_code)
);

-- The bidder's current bid for a lot (the log keeps every version).
CREATE TABLE bid (
    tender_id           TEXT    NOT NULL REFERENCES tender (tender_id),
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    envelope_digest     BLOB    NOT NULL,
    blob_sm3            BLOB    NOT NULL,
    size_bytes          BIGINT  NOT NULL,
    cert_serial         TEXT    NOT NULL,
    sealed_at_ms        BIGINT  NOT NULL,
    tool_version        TEXT    NOT NULL,
    machine_id_hash     BLOB    NOT NULL,
    mac_hash            BLOB    NOT NULL,
    client_ip           TEXT    NOT NULL,
    received_at_ms      BIGINT  NOT NULL,
    status              TEXT    NOT NULL,
    PRIMARY KEY (tender_id, lot_id, bidder_credit_code)
);

-- Operational: uploads in progress (resumable). The bytes so far live in the blob directory.
CREATE TABLE bid_upload (
    upload_id           TEXT    PRIMARY KEY,
    tender_id           TEXT    NOT NULL,
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    size_bytes          BIGINT  NOT NULL,
    declared_digest     BLOB    NOT NULL,
    created_at_ms       BIGINT  NOT NULL
);

-- Opening (开标): each bid's outcome, decrypted by its bidder or by the escrow quorum, or failed.
CREATE TABLE bid_opening (
    tender_id           TEXT    NOT NULL REFERENCES tender (tender_id),
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    method              TEXT    NOT NULL,
    declared_json       TEXT    NOT NULL,
    reason              TEXT    NOT NULL,
    at_ms               BIGINT  NOT NULL,
    PRIMARY KEY (tender_id, lot_id, bidder_credit_code)
);

-- Operational, never in the public record: the data keys of opened bids (the evaluation reads the
-- bids with them) and the escrow shares officials hand in after the deadline until the quorum.
CREATE TABLE opened_key (
    tender_id           TEXT    NOT NULL,
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    data_key            BLOB    NOT NULL,
    PRIMARY KEY (tender_id, lot_id, bidder_credit_code)
);

CREATE TABLE escrow_share_given (
    tender_id           TEXT    NOT NULL,
    official_user_id    TEXT    NOT NULL,
    share_index         BIGINT  NOT NULL,
    share_value         BLOB    NOT NULL,
    PRIMARY KEY (tender_id, official_user_id)
);
