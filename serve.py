"""The app's server: Streamlit's app.py plus the route that serves the store's local base-map tiles
(`streamlit run serve.py`; scripts/start.sh does)."""
from __future__ import annotations

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from data.store import Store
from data.tiles import read_tile
from layers.basemap import local_tile_route

# Tiles change only on a re-import; a day's caching spares the server a request per tile per pan.
TILE_CACHE_SECONDS = 86400


async def local_tile(request: Request) -> Response:
    """One tile of an imported tile set, or 404 where the set has none (Leaflet leaves the cell empty,
    and the offline base shows through)."""
    params = request.path_params
    found = read_tile(Store(), params["name"], params["z"], params["x"], params["y"])
    if found is None:
        return Response(status_code=404)
    content, media_type = found
    return Response(content, media_type=media_type, headers={"Cache-Control": f"max-age={TILE_CACHE_SECONDS}"})


# `streamlit run` has read its options (flags, config.toml) before it imports this file.
app = st.App("app.py", routes=[Route(local_tile_route(st.get_option("server.baseUrlPath")), local_tile)])
