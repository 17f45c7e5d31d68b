"""What a click on the map selected: the pure decision behind the map page's click handler."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Layers whose features open a detail panel when clicked.
SELECTABLE_LAYERS = frozenset({"township", "station", "hotspot"})


@dataclass(frozen=True)
class MapSelection:
    """A clicked feature: its layer ('township', 'station' or 'hotspot') and its id (township code,
    station code, hotspot id)."""

    layer: str
    id: str


def selection_from_map(returned: Mapping[str, object] | None) -> MapSelection | None:
    """The township, station or hotspot st_folium reports as clicked, or None.

    ``returned`` is st_folium's return value; its ``last_active_drawing`` is the GeoJSON feature last
    clicked, whose ``layer`` and ``id`` properties the map's layers set (see layers.overlays). A click on
    anything else (a zone, a dust source, the bare map) selects nothing.
    """
    feature = (returned or {}).get("last_active_drawing")
    if not isinstance(feature, Mapping):
        return None
    properties = feature.get("properties")
    if not isinstance(properties, Mapping):
        return None
    layer, identifier = properties.get("layer"), properties.get("id")
    if layer not in SELECTABLE_LAYERS or not isinstance(identifier, str) or not identifier:
        return None
    return MapSelection(layer=layer, id=identifier)
