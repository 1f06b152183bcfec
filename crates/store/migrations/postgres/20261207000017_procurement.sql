-- Government procurement procedures (政府采购, all methods): one row per procedure for the lists. The
-- procedure itself (steps, offers, evaluation, challenges and complaints) is folded from its event
-- stream `procurement-{procurement_id}`.
CREATE TABLE procurement (
    procurement_id   TEXT    NOT NULL PRIMARY KEY,
    region_code      TEXT    NOT NULL,
    method           TEXT    NOT NULL,
    category         TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    budget_fen       BIGINT  NOT NULL,
    purchaser        TEXT    NOT NULL,
    planned_at_ms    BIGINT  NOT NULL
);
CREATE INDEX procurement_planned ON procurement (planned_at_ms);
