-- Land-use rights and state-property sales (招拍挂, 产权转让): one row per sale for the lists. The sale
-- itself (applications, paddles, bids, outcome) is folded from its event stream `sale-{sale_id}`.
CREATE TABLE sale (
    sale_id          TEXT    NOT NULL PRIMARY KEY,
    region_code      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    announced_at_ms  BIGINT  NOT NULL,
    starts_at_ms     BIGINT  NOT NULL,
    ends_at_ms       BIGINT  NOT NULL
);
CREATE INDEX sale_announced ON sale (announced_at_ms);
