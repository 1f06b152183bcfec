-- The project a tender belongs to (项目登记; its id is the investment project code, 投资项目代码).
-- Tenders created before projects were registered have none.
ALTER TABLE tender ADD COLUMN project_id TEXT;
