"""High-value hotspots: detection, clustering, attribution, scoring and the closed loop."""
