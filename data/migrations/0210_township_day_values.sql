-- Per township and Beijing date: the finished daily values a ranking reads — GB 3095 24-hour means
-- (NULL when fewer than 20 hours), the daily maximum 8-hour O3 and maximum 1-hour O3 with their
-- validity, and the day's AQI under each standard edition (HJ 633-2012 and -2026). They depend only on
-- that day's hours, so the importers rebuild the dates they touched (stations/day_values.py) and a
-- ranking is one GROUP BY over them. township_day_values_state records what they were built from (as
-- township_days_state does); when it differs from the store, rankings take the slower path instead.
CREATE TABLE township_day_values (
    township_code  VARCHAR NOT NULL,
    date           DATE NOT NULL,
    so2 DOUBLE, no2 DOUBLE, pm10 DOUBLE, pm25 DOUBLE,   -- µg/m³
    co DOUBLE,                                          -- mg/m³
    o3_8h DOUBLE, o3_1h DOUBLE,                         -- µg/m³
    aqi_2012 DOUBLE, aqi_2026 DOUBLE                    -- NULL when an item of the day is missing
);

CREATE TABLE township_day_values_state (
    observation_rows  BIGINT NOT NULL,
    membership        UBIGINT NOT NULL
);
