"""Cross-cutting pieces every domain folder uses: settings, errors, time."""
