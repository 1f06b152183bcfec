-- Pre-qualification (资格预审, 招标投标法实施条例 第十五条至第十九条): its schedule on the tender, and each
-- applicant with the review's result. Bids from applicants who did not pass are refused (第三十六条).
ALTER TABLE tender ADD COLUMN pq_deadline_ms BIGINT;

CREATE TABLE pq_application (
    tender_id           TEXT    NOT NULL,
    applicant_credit_code TEXT  NOT NULL,
    applied_at_ms       BIGINT  NOT NULL,
    result              TEXT    NOT NULL,
    reason              TEXT    NOT NULL,
    PRIMARY KEY (tender_id, applicant_credit_code)
);
