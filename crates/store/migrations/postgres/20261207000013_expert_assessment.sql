-- Assessments of experts after each evaluation (评标专家考核评价): one row per expert and lot, projected
-- from the assessment's stream (expert-assessment-{expert}-{tender}-{lot}), read on the expert's page.
CREATE TABLE expert_assessment (
    expert_id           TEXT    NOT NULL,
    tender_id           TEXT    NOT NULL,
    lot_id              TEXT    NOT NULL,
    rating              TEXT    NOT NULL,
    remarks             TEXT    NOT NULL,
    assessed_by         TEXT    NOT NULL,
    assessed_at_ms      BIGINT  NOT NULL,
    PRIMARY KEY (expert_id, tender_id, lot_id)
);
