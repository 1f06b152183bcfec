-- Signed tree heads of the event log (RFC 9162 roots over event hashes), kept as history.
CREATE TABLE tree_head (
    tree_size       BIGINT  PRIMARY KEY,
    timestamp_ms    BIGINT  NOT NULL,
    root_hash       BYTEA   NOT NULL,
    signature       BYTEA   NOT NULL
);
