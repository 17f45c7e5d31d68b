"""Townships, stations, sensor history, AQI and the township ranking."""
