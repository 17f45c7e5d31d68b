"""Importers for the data officials bring: station lists, observations, CNEMC daily files, FIRMS fires, polygons."""
