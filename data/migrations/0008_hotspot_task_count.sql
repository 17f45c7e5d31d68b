-- How many tasks have been made from each hotspot. Making a task increments it inside the task's
-- transaction, so two supervisors making a task from one hotspot at once conflict on this row
-- (DuckDB has no partial unique index to say "one open task per hotspot").
ALTER TABLE hotspots ADD COLUMN tasks_made INTEGER DEFAULT 0;
