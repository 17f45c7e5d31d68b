-- Air-quality targets (考核目标) per unit and year: a city, county or township, one row per metric, judged
-- under one standard edition. Set by a supervisor or imported from the targets register.
CREATE TABLE targets (
    unit_code         VARCHAR NOT NULL,           -- a township code, or an admin_units code (county, city)
    year              INTEGER NOT NULL,
    metric            VARCHAR NOT NULL CHECK (metric IN ('pm25', 'pm10', 'good_day_ratio', 'heavy_day_ratio',
                                                          'composite_index')),
    target_value      DOUBLE NOT NULL,            -- µg/m³ for pm25/pm10, 0–1 for the ratios, the index itself
    standard_version  VARCHAR NOT NULL CHECK (standard_version IN ('2012', '2026')),
    set_by            VARCHAR,                    -- who set it (a user name, or the file it was imported from)
    set_at            TIMESTAMP,                  -- Beijing time
    PRIMARY KEY (unit_code, year, metric)
);
