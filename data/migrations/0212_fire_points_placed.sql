-- Whether a fire point's township is settled: its township_code was given or found from the polygons,
-- or none contains it (outside the region, township_code NULL). Importers place new points once
-- (data.sources.place_fire_points), so the ranking's deductions never join points to polygons nor load
-- the spatial extension. Points stored before this migration without a township are placed by the
-- next import of fire points or townships; until then the ranking places them as before.
ALTER TABLE fire_points ADD COLUMN township_placed BOOLEAN DEFAULT false;
UPDATE fire_points SET township_placed = township_code IS NOT NULL;
