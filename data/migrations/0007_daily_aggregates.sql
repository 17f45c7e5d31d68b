-- Per township and Beijing date: the hourly → daily raw material of a ranking (the shape
-- stations.daily.finish_daily reads), so a ranking reads one row per township and day instead of every
-- hour. The observation importers keep it current (stations/repository.refresh_township_days).
-- township_days_state records what it was built from: the observations' row count and a hash of which
-- township stations count for which township. When either differs from the store's (rows written some
-- other way, stations moved between townships), rankings compute from the hourly rows instead.
CREATE TABLE township_days (
    township_code  VARCHAR NOT NULL,
    date           DATE NOT NULL,
    sum_so2 DOUBLE, n_so2 BIGINT, sum_no2 DOUBLE, n_no2 BIGINT, sum_pm10 DOUBLE, n_pm10 BIGINT,
    sum_pm25 DOUBLE, n_pm25 BIGINT, sum_co DOUBLE, n_co BIGINT, sum_o3 DOUBLE, n_o3 BIGINT,
    o3_hours       TINYINT[],                   -- hours (0-23) of the day with an O3 value
    o3_values      DOUBLE[]                     -- those values, µg/m³, in the same order
);

CREATE TABLE township_days_state (
    observation_rows  BIGINT NOT NULL,
    membership        UBIGINT NOT NULL
);
