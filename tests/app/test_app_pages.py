"""Every page through AppTest on a copy of the demo store, as each role: what is shown, what filters do,
what a role may and may not do, and the messages a refused action gives."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.session import escape_markdown
from app_pages.sidebar import USER_KEY
from core.errors import BadInputError, PermissionDeniedError
from core.policy import Role, User, visible_pages
from core.settings import get_settings
from core.vocabulary import translate
from data.store import Store
from data.townships import read_townships
from hotspots import task_service
from ingest.demo.accounts import DEMO_ACCOUNTS
from ingest.service import REGISTERS
from tests.app_support import REPO_ROOT, drawn_fire_points

APP = str(REPO_ROOT / "app.py")
TIMEOUT_S = 180
PAGES = {"map": "app_pages/map_page.py", "queue": "app_pages/queue_page.py", "ranking": "app_pages/ranking_page.py",
         "hotspots": "app_pages/hotspots_page.py", "data": "app_pages/data_page.py",
         "fires": "app_pages/fires_page.py"}
KEJING = "419001100"
SUPERVISOR = User("duban", Role.SUPERVISOR)
INSPECTOR = User("xuncha", Role.INSPECTOR)
TOWNSHIP = User("kejing", Role.TOWNSHIP, KEJING)
ADMIN = User("admin", Role.ADMIN)


@pytest.fixture(scope="module")
def detected_demo(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with its year's hotspots detected, as the app leaves it on first start."""
    return demo_store.path


@pytest.fixture
def demo_copy(detected_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A writable copy of the detected demo store, which the app is pointed at."""
    copy = tmp_path / "demo.duckdb"
    shutil.copy(detected_demo, copy)
    monkeypatch.setenv("LANTIAN_DB", str(copy))
    monkeypatch.setenv("LANTIAN_TILES", "none")
    get_settings.cache_clear()
    yield Store(copy, busy_timeout_s=30)
    get_settings.cache_clear()


def _open(page: str, user: User | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if user is not None:
        at.session_state[USER_KEY] = user
    at.session_state["lang"] = lang
    at.run()
    if page != "map":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    return at


def demo_copy_townships(store: Store):
    """The store's townships (EPSG:4326)."""
    with store.read() as con:
        return read_townships(con)


def _table(at: AppTest, column: str):
    """The one dataframe on the page that has ``column`` (the hotspot list has 'score', tasks 'returns')."""
    [table] = [frame for frame in at.dataframe if column in frame.value.columns]
    return table


def test_roles_see_the_pages_the_design_gives_them():
    assert visible_pages(None) == ["map", "ranking"]
    assert visible_pages(TOWNSHIP) == ["map", "ranking", "hotspots", "fires", "inbox", "emergency"]
    assert visible_pages(INSPECTOR) == ["map", "queue", "ranking", "hotspots", "fires", "data", "inbox", "emergency"]
    assert visible_pages(SUPERVISOR) == ["map", "queue", "ranking", "hotspots", "fires", "data", "inbox", "loop",
                                         "emergency"]
    assert visible_pages(ADMIN) == ["map", "queue", "ranking", "hotspots", "fires", "data", "inbox", "loop",
                                    "emergency"]


def test_signed_out_visitor_cannot_open_hotspots(demo_copy):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGES["hotspots"])


def test_sign_in_form_accepts_a_demo_account_and_refuses_a_wrong_password(demo_copy):
    name, password, role, _township = next(account for account in DEMO_ACCOUNTS if account[2] is Role.SUPERVISOR)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    at.sidebar.text_input(key="login_name").input(name)
    at.sidebar.text_input(key="login_password").input("not-the-password")
    at.sidebar.button[0].click().run()
    assert [e.value for e in at.sidebar.error] == [translate("sign_in_failed", "zh")]
    assert USER_KEY not in at.session_state

    at.sidebar.text_input(key="login_password").input(password)
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state[USER_KEY] == User(name, role, None)
    assert any(name in markdown.value for markdown in at.sidebar.markdown)


def _map_args(at: AppTest) -> dict:
    components = at.main.get("component_instance")
    assert len(components) == 1
    return json.loads(components[0].proto.json_args)


def test_map_has_aqi_stations_legend_fires_dust_and_layer_control(demo_copy):
    at = _open("map")
    args = _map_args(at)
    script, html = args["script"], args["html"]
    assert "L.control.layers" in script
    assert "legend-aqi" in html and "#7E0023" in html  # the HJ 633 legend with its sixth colour
    assert "legend-townships" not in html  # one thematic layer at a time: AQI by default
    assert "legend-zones" in html and "legend-dust" in html and "legend-fires" in html
    assert script.count("geo_json_") >= 4  # townships, zones, dust sources, stations
    assert all(link.startswith("/app/static/node_modules/") for link in args["js_links"] + args["css_links"])
    assert at.date_input(key="map_date").value is not None
    assert "#00E400" in script or "#FFFF00" in script or "#FF7E00" in script  # stations filled by AQI


def test_map_theme_switches_to_the_composite_index_choropleth(demo_copy):
    at = _open("map")
    at.radio(key="map_theme").set_value("composite").run()
    assert not at.exception, at.exception
    html = _map_args(at)["html"]
    assert "legend-townships" in html and "legend-aqi" not in html
    assert "legend-station-kinds" in html  # stations drawn by kind when AQI is not the theme


def test_map_clusters_the_fire_points_of_the_chosen_window(demo_copy):
    at = _open("map")
    at.selectbox(key="fire_days").set_value(90).run()
    assert not at.exception, at.exception
    hour = pd.Timestamp.combine(at.date_input(key="map_date").value, dt.time(at.slider(key="map_hour").value))
    with demo_copy.read() as con:
        expected = con.execute("SELECT count(*) FROM fire_points WHERE time >= ? AND time < ?",
                               [hour - pd.Timedelta(days=90), hour + pd.Timedelta(hours=1)]).fetchone()[0]
    assert expected > 0
    assert translate("fires_in_window", "zh", count=expected, days=90) in [c.value for c in at.caption]
    script = _map_args(at)["script"]
    assert "markerClusterGroup" in script and len(drawn_fire_points(script)) == expected


def test_map_hour_control_changes_the_station_colours(demo_copy):
    at = _open("map")
    before = _map_args(at)["script"]
    at.slider(key="map_hour").set_value(3 if at.slider(key="map_hour").value != 3 else 15).run()
    assert not at.exception, at.exception
    assert _map_args(at)["script"] != before


def test_map_switches_to_english(demo_copy):
    at = _open("map", lang="en")
    assert at.title[0].value == translate("map_title", "en")
    assert "Fire points" in _map_args(at)["script"]


def test_ranking_is_public_and_filters_by_period(demo_copy):
    at = _open("ranking")
    assert at.title[0].value == translate("ranking_title", "zh")
    first = at.dataframe[0].value
    assert first["rank"].notna().sum() > 3
    periods = at.selectbox(key="ranking_period").options
    at.selectbox(key="ranking_period").set_value(periods[3]).run()
    assert not at.exception, at.exception
    assert not at.dataframe[0].value.equals(first)


def test_ranking_highlights_the_township_officials_own_township(demo_copy):
    at = _open("ranking", user=TOWNSHIP)
    styles = at.dataframe[0].proto.arrow_data.styler.styles
    assert "fff3b0" in styles  # the highlight colour is applied
    own_rows = at.dataframe[0].value.index == KEJING
    assert own_rows.sum() == 1
    assert at.selectbox(key="trend_township").value == KEJING
    assert len(at.get("arrow_vega_lite_chart")) >= 2 or len(at.get("vega_lite_chart")) >= 2


def test_hotspots_list_filters_by_township(demo_copy):
    at = _open("hotspots", user=SUPERVISOR)
    all_rows = _table(at, "returns").value
    assert len(all_rows) == 3
    at.selectbox(key="filter_township").set_value(KEJING).run()
    assert not at.exception, at.exception
    assert len(_table(at, "returns").value) == 1


def test_supervisor_assigns_a_task_and_can_download_three_formats(demo_copy):
    at = _open("hotspots", user=SUPERVISOR)
    labels = [button.label for button in at.get("download_button")]
    assert len(labels) == 3 and all(any(s in label for label in labels) for s in (".xlsx", ".csv", ".geojson"))
    task_id = at.selectbox(key="chosen_task").value
    # The department is chosen from the township's government and earlier tasks' departments; the
    # deadline is a day (its end, Beijing time).
    department = at.selectbox(key="assign_department")
    assert department.options and department.options[0].endswith("人民政府")
    deadline_day = dt.date.today() + dt.timedelta(days=5)
    at.date_input(key="assign_deadline").set_value(deadline_day)
    at.text_area(key="assign_instructions").input("三日内完成道路冲洗")
    at.button(key="FormSubmitter:assign-交办").click().run()
    assert not at.exception, at.exception
    task = task_service.get_task(demo_copy, task_id)
    assert task.state.value == "assigned" and task.department == department.options[0]
    assert task.deadline == dt.datetime.combine(deadline_day + dt.timedelta(days=1), dt.time())
    assert task.instructions == "三日内完成道路冲洗"
    assert at.success[0].value == translate("action_done", "zh", action="交办")


def test_township_official_sees_own_township_and_is_refused_elsewhere(demo_copy):
    at = _open("hotspots", user=TOWNSHIP)
    assert at.selectbox(key="filter_township").value == KEJING
    assert at.get("download_button") == []
    at.selectbox(key="filter_township").set_value("").run()
    tasks = task_service.list_tasks(demo_copy)
    other = tasks.loc[tasks["township_code"] != KEJING, "id"].iloc[0]
    at.selectbox(key="chosen_task").set_value(other).run()
    assert not at.exception, at.exception
    # Another township's task is shown read-only: no feedback form (the service refuses it anyway,
    # tests/store/test_tasks.py).
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:feedback-")]
    assert any(translate("task_card.not_yours", "zh") in caption.value for caption in at.caption)


def test_inspector_cannot_upload_but_sees_holdings_and_anomalies(demo_copy):
    at = _open("data", user=INSPECTOR)
    assert at.get("file_uploader") == []
    holdings = at.dataframe[0].value
    assert int(holdings.loc[holdings["data"] == translate("table_tasks", "zh"), "rows"].iloc[0]) == 3
    assert at.subheader[-1].value == translate("anomalies_title", "zh")


def test_supervisor_upload_uses_the_cli_importers_and_their_messages(demo_copy, tmp_path):
    from ingest.service import import_uploads

    bad = "code,name,lon,lat\nW1,微站1,35.07,112.60\n"  # lon/lat swapped: the importer's own message
    with pytest.raises(BadInputError) as refused:
        import_uploads(demo_copy, SUPERVISOR, "stations", [("stations.csv", bad.encode())], kind="micro")
    with pytest.raises(PermissionDeniedError):  # the upload rule is the service's, not only the page's
        import_uploads(demo_copy, INSPECTOR, "stations", [("stations.csv", bad.encode())], kind="micro")
    good = "code,name,lon,lat\nW9,新微站,112.60,35.07\n"
    report = import_uploads(demo_copy, SUPERVISOR, "stations", [("stations.csv", good.encode())], kind="micro")
    assert report.stored == 1
    assert "stations.csv" in str(refused.value)
    with demo_copy.read() as con:
        assert con.execute("SELECT kind FROM stations WHERE code = 'W9'").fetchone() == ("micro",)

    at = _open("data", user=SUPERVISOR)
    assert len(at.get("file_uploader")) == 1
    assert at.selectbox(key="upload_what").options == [translate(f"import_{what}", "zh") for what in REGISTERS]


def test_map_shows_ranked_hotspots_only_to_signed_in_users(demo_copy):
    hotspots_layer = json.dumps(translate("layer_hotspots", "zh"))[1:-1]
    assert hotspots_layer not in _map_args(_open("map"))["script"]
    script = _map_args(_open("map", user=INSPECTOR))["script"]
    assert hotspots_layer in script and '"layer": "hotspot"' in script


def test_supervisor_turns_a_ranked_hotspot_into_a_task(demo_copy):
    at = _open("hotspots", user=SUPERVISOR)
    ranked = _table(at, "score").value
    assert len(ranked) > 10 and list(ranked["rank"][:3]) == [1, 2, 3]
    assert ranked["score"].is_monotonic_decreasing
    chosen = at.selectbox(key="hotspot_to_task").value
    at.button(key="create_task").click().run()
    assert not at.exception, at.exception
    tasks = task_service.list_tasks(demo_copy)
    assert len(tasks) == 4 and chosen in set(tasks["hotspot_id"])
    assert at.selectbox(key="hotspot_to_task").value != chosen  # it has a task now


def test_township_official_does_not_see_supervisor_only_hotspots(demo_copy):
    supervisor = _table(_open("hotspots", user=SUPERVISOR), "score").value
    official = _open("hotspots", user=TOWNSHIP)
    assert official.selectbox(key="filter_township").value == KEJING
    official.selectbox(key="filter_township").set_value("").run()
    seen = _table(official, "score").value
    anomaly = translate("hotspot_kind.anomaly", "zh")  # the list shows labels, never the raw code
    assert anomaly in set(supervisor["kind"]) and anomaly not in set(seen["kind"])
    assert official.get("button") == [] or all(b.key != "create_task" for b in official.button)


MARKDOWN_ATTACK = "![x](http://evil/x) **bold** [link](http://evil) :red[x]"


def test_escape_markdown_leaves_no_markdown_syntax_active():
    escaped = escape_markdown(MARKDOWN_ATTACK + " a\\b")
    assert escaped.replace("\\", "") == (MARKDOWN_ATTACK + " ab")
    for syntax in ("![", "](", "**", " [link", " :red["):
        assert syntax not in escaped
    assert "\\!\\[x\\]\\(http\\://evil/x\\)" in escaped and "\\*\\*bold\\*\\*" in escaped
    assert "a\\\\b" in escaped  # a typed backslash stays a backslash


def test_typed_task_titles_and_errors_show_as_text_not_markdown(demo_copy):
    township = demo_copy_townships(demo_copy).iloc[0]
    point = township.geometry.representative_point()
    task = task_service.record_field_observation(demo_copy, INSPECTOR, point.x, point.y, title=MARKDOWN_ATTACK,
                                                 description="seen")
    at = _open("hotspots", user=SUPERVISOR)
    at.selectbox(key="chosen_task").set_value(task.id).run()
    assert not at.exception, at.exception
    shown = [markdown.value for markdown in at.markdown]
    assert any(escape_markdown(MARKDOWN_ATTACK) in value for value in shown)
    assert not any("![x](" in value or "**bold**" in value for value in shown)


def test_task_history_hotspot_and_task_tables_have_chinese_headers(demo_copy):
    at = _open("hotspots", user=SUPERVISOR)
    configs = [json.loads(frame.proto.columns) for frame in at.dataframe]

    def headers(column: str) -> dict[str, str]:
        """Column -> header of the one table that has ``column``."""
        [config] = [config for config in configs if column in config]
        return {name: setting.get("label") for name, setting in config.items()}

    hotspots, tasks = headers("score"), headers("returns")
    # The history is told in words: each event a sentence with its action and state labelled.
    assert any("xuncha（巡查员）现场巡查记录 → 待交办" in markdown.value for markdown in at.markdown)
    assert hotspots["score"] == translate("col_score", "zh") and hotspots["start_time"] == translate("col_start_time", "zh")
    assert tasks["returns"] == translate("task_returns", "zh")


def test_supervisor_sees_the_photos_sent_with_feedback(demo_copy):
    from tests.tasks_support import photo

    task_id = task_service.list_tasks(demo_copy)["id"].iloc[0]
    task_service.add_evidence(demo_copy, INSPECTOR, task_id, photos=[photo(name="现场.png"), photo(name="b.png")])
    at = _open("hotspots", user=SUPERVISOR)
    at.selectbox(key="chosen_task").set_value(task_id).run()
    assert not at.exception, at.exception
    assert any(translate("task_photos", "zh", count=2) in markdown.value for markdown in at.markdown)
    images = at.get("image")
    # Captions are Markdown with the user's file name escaped (现场\.png reads 现场.png).
    assert len(images) == 2 and "现场.png" in re.sub(r"\\(.)", r"\1", images[0].proto.imgs[0].caption)


def test_inspector_records_a_field_observation_at_the_region_centre(demo_copy):
    from hotspots.tasks import FIELD_KIND, Action

    before = set(task_service.list_tasks(demo_copy)["id"])
    at = _open("hotspots", user=INSPECTOR)
    west, south, east, north = demo_copy_townships(demo_copy).total_bounds
    assert at.number_input(key="observation_lon").value == pytest.approx((west + east) / 2)
    at.text_input(key="observation_title_0").input("沿河路渣土车未苫盖")
    at.text_area(key="observation_description_0").input("三辆渣土车未苫盖，路面遗撒")
    at.selectbox(key="observation_grade").set_value("II")
    at.button(key=f"FormSubmitter:observation-{Action.RECORD_OBSERVATION.label('zh')}").click().run()
    assert not at.exception, at.exception
    tasks = task_service.list_tasks(demo_copy)
    [new] = tasks[~tasks["id"].isin(before)].itertuples()
    assert (new.title, new.kind, new.grade, new.state) == ("沿河路渣土车未苫盖", FIELD_KIND, "II", "pending")
    assert at.success[0].value == translate("action_done", "zh", action=f"{Action.RECORD_OBSERVATION.label('zh')} · "
                                                                        f"{translate('field.typed', 'zh')}")

    at.text_area(key="observation_description_1").input("又见渣土车")  # the recorded form came back empty
    at.button(key=f"FormSubmitter:observation-{Action.RECORD_OBSERVATION.label('zh')}").click().run()
    assert "字段“标题”" in at.error[0].value  # the service's refusal, shown on the page, naming the field as labelled
