-- Hotspot engine: the place a hotspot belongs to (its recurrence and its stable id are reckoned by it),
-- its length, and who should see it ('all', or 'supervisor' for data anomalies and industrial heat,
-- which the app hides from township officials).
ALTER TABLE hotspots ADD COLUMN place VARCHAR;
ALTER TABLE hotspots ADD COLUMN hours INTEGER;
ALTER TABLE hotspots ADD COLUMN audience VARCHAR DEFAULT 'all';
