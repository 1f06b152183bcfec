-- Bid validity (投标有效期, 招标投标法实施条例 第二十五条): days from the bid deadline; a bid security must
-- stay valid as long (第二十六条).
ALTER TABLE tender ADD COLUMN bid_validity_days BIGINT;
