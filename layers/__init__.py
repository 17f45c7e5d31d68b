"""Folium map layers built from GeoDataFrames; knows nothing about the store."""
