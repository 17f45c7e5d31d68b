"""The ranking page through AppTest on a copy of the demo store: no 'None' anywhere, pollutants by their
labels, a labelled trend with whole ranks, the signed-in township's card with its target, unranked reasons
in words, and the bulletin offered for download."""
from __future__ import annotations

import json

from core.policy import SYSTEM_USER, Role, User
from core.vocabulary import translate
from data.targets import read_targets
from stations.assessment import rank_store
from stations.evaluation import set_target
from stations.ranking import Period
from tests.app.test_app_pages import KEJING, TOWNSHIP, _open, demo_copy, detected_demo  # noqa: F401

BAD_WORDS = ("None", "nan", "<NA>", "NaT", "pm25", "pm10", "o3_8h")


def _all_text(at) -> list[str]:
    texts = [element.value for element in (*at.markdown, *at.caption, *at.subheader, *at.warning, *at.info)]
    for frame in at.dataframe:
        texts += [str(value) for value in frame.value.to_numpy().ravel()]
    return texts


def _charts(at):
    return [json.loads(chart.proto.spec) for chart in (*at.get("arrow_vega_lite_chart"), *at.get("vega_lite_chart"))]


def test_the_ranking_page_shows_no_none_and_a_labelled_trend(demo_copy):  # noqa: F811
    at = _open("ranking", user=TOWNSHIP)
    texts = _all_text(at)
    assert texts
    for text in texts:
        assert not any(word in text for word in BAD_WORDS), text
    pollutants = set(at.dataframe[0].value["primary_pollutant"])
    assert pollutants and pollutants <= {"O₃-8h", "PM2.5", "PM10", "SO₂", "NO₂", "CO", "O₃"}
    trend = next(spec for spec in _charts(at) if spec.get("title") == translate("trend_title", "zh"))
    rank_layer = next(layer for layer in trend["layer"] if layer["encoding"]["y"]["field"] == "rank")
    values = rank_layer["encoding"]["y"]["axis"]["values"]
    assert values == list(range(1, len(values) + 1)) and all(isinstance(value, int) for value in values)
    assert rank_layer["encoding"]["y"]["scale"]["reverse"] is True
    legend_titles = {layer["encoding"]["color"]["title"] for layer in trend["layer"]}
    assert legend_titles == {translate("trend_legend", "zh")}
    measures = {layer["transform"][0]["calculate"] for layer in trend["layer"]}
    assert measures == {f"'{translate('col_composite_index', 'zh')}'", f"'{translate('trend_rank_axis', 'zh')}'"}


def test_the_card_of_the_signed_in_township(demo_copy):  # noqa: F811
    set_target(demo_copy, SYSTEM_USER, unit_code=KEJING, year=2025, metric="pm25", value=40.0, version="2012")
    at = _open("ranking", user=TOWNSHIP)
    at.selectbox(key="ranking_period").set_value("2025-06").run()
    assert not at.exception, at.exception
    ranking = rank_store(demo_copy, Period.parse("2025-06")).set_index("township_code")
    rank = int(ranking.at[KEJING, "rank"])
    headings = [element.value for element in at.subheader]
    assert translate("standing.title", "zh", township="克井镇", rank=rank, total=int(ranking["rank"].notna().sum())) \
        in headings
    card = " ".join(element.value for element in at.markdown).replace("\\", "")  # markdown escapes
    for words in ("名次变化", "贡献最大的污染物", "距上一名", "距离退出后 3 名", "年度目标进度", "PM2.5 年均浓度"):
        assert words in card, words
    assert any(arrow in card for arrow in ("↑", "↓", "→", "上期未排名"))
    assert "余下 184 天均值不超过" in card  # 1 July to 31 December


def test_unranked_townships_say_why_in_words(demo_copy):  # noqa: F811
    at = _open("ranking", user=TOWNSHIP)
    at.selectbox(key="ranking_by").set_value("yoy").run()
    assert not at.exception, at.exception
    reason = translate("reason.no_year_ago_value", "zh")
    assert set(at.dataframe[0].value["invalid_reason"]) == {reason}
    assert any(reason in warning.value for warning in at.warning)
    assert translate("standing.unranked_title", "zh", township="克井镇") in [element.value for element in at.subheader]


def test_the_bulletin_is_offered_as_docx_and_pdf(demo_copy):  # noqa: F811
    at = _open("ranking", user=TOWNSHIP)
    at.button(key="bulletin_make").click().run()
    assert not at.exception, at.exception
    labels = [button.label for button in at.get("download_button")]
    assert translate("bulletin_download_docx", "zh") in labels
    assert translate("bulletin_download_pdf", "zh") in labels


def test_the_week_and_quarter_rankings(demo_copy):  # noqa: F811
    at = _open("ranking", user=TOWNSHIP)
    for kind in ("week", "quarter", "ytd"):
        at.selectbox(key="ranking_kind").set_value(kind).run()
        assert not at.exception, at.exception
        assert at.dataframe[0].value["rank"].ne("—").sum() > 3, kind


def test_a_supervisor_sets_a_target_on_the_page(demo_copy):  # noqa: F811
    at = _open("ranking", user=User("duban", Role.SUPERVISOR))
    at.selectbox(key="target_unit").set_value(KEJING)
    at.selectbox(key="target_metric").set_value("heavy_day_ratio")
    at.number_input(key="target_value").set_value(0.02)
    at.button(key="FormSubmitter:target_form-" + translate("target_save", "zh")).click().run()
    assert not at.exception, at.exception
    assert at.success and "克井镇" in at.success[0].value
    with demo_copy.read() as con:
        stored = read_targets(con).set_index(["unit_code", "metric"])
    assert stored.at[(KEJING, "heavy_day_ratio"), "target_value"] == 0.02
    assert stored.at[(KEJING, "heavy_day_ratio"), "set_by"] == "duban"
    township = _open("ranking", user=TOWNSHIP)
    assert all(translate("targets_form", "zh") not in expander.label for expander in township.get("expander"))
