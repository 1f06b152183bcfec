-- Two-stage tendering (两阶段招标, 招标投标法实施条例 第三十条): the first stage's proposal deadline on the
-- tender, and each potential bidder's technical proposal (without price). Only those who handed one in
-- may take part in the second stage (第三十条第三款).
ALTER TABLE tender ADD COLUMN proposal_deadline_ms BIGINT;

CREATE TABLE technical_proposal (
    tender_id            TEXT    NOT NULL,
    proposer_credit_code TEXT    NOT NULL,
    file_name            TEXT    NOT NULL,
    size_bytes           BIGINT  NOT NULL,
    document_sm3         TEXT    NOT NULL,
    submitted_at_ms      BIGINT  NOT NULL,
    PRIMARY KEY (tender_id, proposer_credit_code)
);
