-- Objections to the tender documents (招标投标法实施条例 第二十二条): while one waits for its reply the
-- tendering activity stops (no bid, registration or amendment is taken).
ALTER TABLE tender ADD COLUMN open_objections BIGINT NOT NULL DEFAULT 0;
