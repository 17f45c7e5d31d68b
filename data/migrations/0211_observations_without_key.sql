-- The hourly table without its (station_code, time) primary key: maintaining that index cost more than
-- half of a province import's time and most of its memory. The importers keep (station_code, time)
-- unique themselves (data.bulk.upsert_in_slice: an anti-join against the stored rows of the incoming
-- stations and hours only). Rows are copied in time order, so DuckDB's zone maps prune time ranges.
CREATE TABLE observations_unkeyed (
    station_code   VARCHAR NOT NULL,
    time           TIMESTAMP NOT NULL,
    pm25 DOUBLE, pm10 DOUBLE, so2 DOUBLE, no2 DOUBLE, o3 DOUBLE,
    co             DOUBLE,                      -- mg/m³
    ws             DOUBLE,                      -- m/s
    wd             DOUBLE,                      -- degrees the wind comes FROM, 0 = north
    temp           DOUBLE,                      -- °C
    rh             DOUBLE,                      -- %
    aqi_published  INTEGER,                     -- AQI as published by the source, when it gave one
    quality_flag   INTEGER NOT NULL DEFAULT 0,
    source         VARCHAR
);
INSERT INTO observations_unkeyed SELECT station_code, time, pm25, pm10, so2, no2, o3, co, ws, wd, temp, rh,
    aqi_published, quality_flag, source FROM observations ORDER BY time, station_code;
DROP TABLE observations;
ALTER TABLE observations_unkeyed RENAME TO observations;
