-- The published ceiling price (最高投标限价, 招标投标法实施条例 第二十七条): a bid above it is rejected (第五十一条第（五）项).
ALTER TABLE tender ADD COLUMN ceiling_price_fen BIGINT;
