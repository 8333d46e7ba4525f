"""The progress chart for zero, one and many scores: valid SVG that can sit inline under
the strict content-security policy, and the same facts in the table beside it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from outcomes import calculations as calc
from outcomes.charts import (
    COMPACT,
    PHONE,
    ChartData,
    ChartWording,
    Marker,
    PhaseSpan,
    chart_table,
    render_svg,
)
from outcomes.definitions import rules_for

PHQ9 = rules_for("phq9")
START = date(2026, 1, 5)
SVG = "{http://www.w3.org/2000/svg}svg"


def scores(*values: float) -> tuple[calc.ScorePoint, ...]:
    return tuple(
        calc.ScorePoint(START + timedelta(days=7 * i), float(v), i)
        for i, v in enumerate(values)
    )


def chart(*values: float, key: str = "phq9-test", **fields: object) -> ChartData:
    assert PHQ9 is not None
    points = scores(*values)
    return ChartData(
        key=key,
        rules=PHQ9,
        scores=points,
        phases=(
            PhaseSpan("initial", "Initial", START, START + timedelta(days=20)),
            PhaseSpan(
                "middle",
                "Middle",
                START + timedelta(days=21),
                START + timedelta(days=70),
            ),
        ),
        life_events=(Marker(START + timedelta(days=30), "Lost her job"),),
        missed_sessions=(Marker(START + timedelta(days=44), "missed session"),),
        trajectory=calc.expected_trajectory(PHQ9, points),
        start=START,
        end=START + timedelta(days=84),
        **fields,  # type: ignore[arg-type]
    )


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == SVG
    return root


@pytest.mark.parametrize(
    "values", [(), (14,), (18, 17, 15, 16, 13, 12, 10, 9, 8, 7, 7, 6)]
)
def test_the_chart_is_valid_svg_for_zero_one_and_many_scores(
    values: tuple[float, ...],
) -> None:
    # when the chart is drawn
    svg = render_svg(chart(*values))
    # then it parses as SVG, describes itself, and scales with its container
    root = parsed(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") is None
    assert "PHQ-9" in (root.get("aria-label") or "")


def test_the_chart_is_safe_inline_under_the_content_security_policy() -> None:
    svg = render_svg(chart(18, 12, 9))
    # no inline style of either kind, no script, no prolog
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg.lower()
    assert svg.startswith("<svg")
    # the styling survived as presentation attributes
    assert 'fill="#1f5f8b"' in svg or 'stroke="#1f5f8b"' in svg


def test_two_charts_on_one_page_share_no_id() -> None:
    first = render_svg(chart(18, 12, key="phq9-a"))
    second = render_svg(chart(18, 12, key="gad7-b"))
    ids = lambda svg: set(re.findall(r'id="([^"]+)"', svg))  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)
    # and every reference points at an id of its own chart
    for reference in re.findall(r'(?:url\(#|href="#)([^)"]+)', first):
        assert reference in ids(first)


def test_the_chart_draws_no_text_a_person_typed() -> None:
    # life events are numbered on the chart; their titles go in the table only
    svg = render_svg(chart(18, 12, 9))
    assert "Lost her job" not in svg
    assert "Lost her job" in [
        event.label for event in chart_table(chart(18, 12, 9)).life_events
    ]


def test_the_same_data_draws_the_same_chart() -> None:
    assert render_svg(chart(18, 12, 9)) == render_svg(chart(18, 12, 9))


def test_the_table_has_a_row_per_score_with_band_change_and_expected_range() -> None:
    table = chart_table(chart(18, 12, 9))
    assert [(r.score, r.band, r.change) for r in table.rows] == [
        (18, "moderately severe", None),
        (12, "moderate", -6),
        (9, "mild", -9),
    ]
    assert table.rows[1].expected == "on track at or below 24"
    assert table.cut_off == "PHQ-9 ≥ 10"
    assert table.phases and table.missed_sessions
    assert "stated rule" in table.expected_label


def test_the_table_of_an_empty_chart_is_empty() -> None:
    table = chart_table(chart())
    assert table.rows == ()


def test_the_compact_chart_is_smaller_and_still_valid() -> None:
    full = parsed(render_svg(chart(18, 12, 9)))
    compact = parsed(render_svg(chart(18, 12, 9, key="phq9-c", size=COMPACT)))
    width = lambda root: float((root.get("viewBox") or "0 0 0 0").split()[2])  # noqa: E731
    assert width(compact) < width(full)


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]


def test_the_phone_chart_is_drawn_near_a_phones_width_with_text_that_reads() -> None:
    # A 375 px phone shows the chart about 310 px wide. Drawn wide, it shrinks to
    # about half and its text to about 6 px; the phone size is drawn at that width.
    wide_svg = render_svg(chart(18, 12, 9))
    phone_svg = render_svg(chart(18, 12, 9, key="phq9-p", size=PHONE))
    viewbox_width = lambda svg: float(  # noqa: E731
        (parsed(svg).get("viewBox") or "0 0 0 0").split()[2]
    )
    shown = 310

    def smallest_text_shown(svg: str) -> float:
        return min(_font_sizes(svg)) * min(1.0, shown / viewbox_width(svg))

    assert viewbox_width(phone_svg) <= 340
    assert smallest_text_shown(phone_svg) >= 10.5
    assert smallest_text_shown(wide_svg) < 7  # what the phone size is for
    # the same facts: band names (the longest wrapped onto two lines), legend, cut-off
    for words in ("moderately", "severe", "minimal", "cut-off", "on-track limit"):
        assert words in phone_svg, words


def test_an_expected_trajectory_band_is_drawn_when_fitted() -> None:
    assert PHQ9 is not None
    model = calc.ExpectedModel("phq9", "moderately severe", 60, -4.0, -3.0, 3.0)
    points = scores(18, 16, 15)
    data = ChartData(
        key="phq9-fit",
        rules=PHQ9,
        scores=points,
        trajectory=calc.expected_trajectory(PHQ9, points, model=model),
        start=START,
        end=START + timedelta(days=30),
    )
    parsed(render_svg(data))
    table = chart_table(data)
    assert table.rows[1].expected == "12.23–18.23"
    assert "60 finished courses" in table.expected_label


def test_the_chart_speaks_the_wording_it_is_given() -> None:
    # given the chart's words in another language (the portal passes the patient's)
    spanish = ChartWording(
        over_time="{name} a lo largo del tiempo",
        cut_off="punto de corte {label}",
        on_track_limit="límite de avance esperado",
        life_event="acontecimiento (numerado)",
        missed_session="sesión perdida",
        many_scores="{name}: {count} puntajes, de {first} el {first_day} a {last} "
        "el {last_day} ({change}).",
        day_format="{day} de {month} de {year}",
        months=tuple(f"mes{n}" for n in range(1, 13)),
        bands=(("moderately severe", "moderadamente grave"),),
        phases=(("initial", "Inicial"),),
    )
    data = chart(18, 12, 9, key="phq9-es", wording=spanish)
    svg = render_svg(data)
    # then the legend, cut-off, bands, phases, ticks and aria-label use them
    for words in (
        "punto de corte",
        "límite de avance esperado",
        "acontecimiento (numerado)",
        "sesión perdida",
        "moderadamente",  # a band name wraps onto two lines: "grave" below
        "Inicial",
        "mes1",
    ):
        assert words in svg, words
    assert parsed(svg).get("aria-label") == (
        "PHQ-9: 3 puntajes, de 18 el 5 de mes1 de 2026 a 9 el 19 de mes1 de 2026 (−9)."
    )
    assert data.title == "PHQ-9 a lo largo del tiempo"
    # an unmapped band keeps the instrument's name; English words are gone
    assert ">mild<" in svg or "mild" in svg
    for english in ("cut-off", "on-track limit", "missed session", "Jan"):
        assert english not in svg, english
    # and the English chart is unchanged by it
    english_svg = render_svg(chart(18, 12, 9))
    assert "cut-off" in english_svg and "5 Jan" in english_svg


def test_the_english_chart_describes_itself_in_full_dates() -> None:
    assert chart(14).description == "PHQ-9: one score, 14 on 5 January 2026."
    assert chart().description == "PHQ-9: no scores recorded yet."
