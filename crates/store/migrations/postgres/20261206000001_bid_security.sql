-- Bid security (投标保证金, 招标投标法实施条例 第二十六条): the amount the notice requires, the estimate it is
-- capped against, and each bidder's security (cash or electronic guarantee) with its refund.
ALTER TABLE tender ADD COLUMN estimate_fen BIGINT;
ALTER TABLE tender ADD COLUMN bid_security_fen BIGINT;

CREATE TABLE bid_security (
    tender_id           TEXT    NOT NULL,
    lot_id              TEXT    NOT NULL,
    bidder_credit_code  TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    amount_fen          BIGINT  NOT NULL,
    reference           TEXT    NOT NULL,
    issuer              TEXT    NOT NULL,
    valid_until         TEXT    NOT NULL,
    document_sm3        BYTEA,
    lodged_at_ms        BIGINT  NOT NULL,
    refunded_day        TEXT,
    PRIMARY KEY (tender_id, lot_id, bidder_credit_code)
);
