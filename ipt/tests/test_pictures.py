"""The closeness circle and the timeline render as valid SVG, with their labels as
text, for an empty, a typical and a crowded inventory."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import pytest

from ipt import pictures
from ipt.pictures import CirclePerson, TimelineEvent, TimelinePeriod

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> str:
    """All the text of an SVG document, joined (labels may span lines)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


TYPICAL = [
    CirclePerson("Mum", 5, "good", supports_recovery=True),
    CirclePerson("Partner", 4, "difficult", is_trigger=True),
    CirclePerson("Dad", 2, "mixed", deceased=True),
    CirclePerson("Jay from the pub", 3, "good", uses_with_patient=True),
    CirclePerson("Sponsor", 4, "good", supports_recovery=True),
]


def test_an_empty_inventory_draws_the_rings_and_says_so() -> None:
    svg = pictures.circle_svg([], centre_label="Ana")
    text = texts(svg)
    assert "Ana" in text
    assert "No one in the inventory yet" in text
    assert "Inner ring: closest (5)" in text


def test_a_typical_inventory_shows_each_person_and_their_marks() -> None:
    text = texts(pictures.circle_svg(TYPICAL, centre_label="Ana"))
    for name in ("Mum", "Partner", "Dad (died)", "Jay from the pub", "Sponsor"):
        assert name in text
    assert "+ recovery" in text
    assert "! trigger" in text
    assert "! uses with" in text
    # the legend explains colour and shape, so colour is never the only cue
    for words in ("Mostly good", "Mixed", "Mostly difficult", "Supports recovery"):
        assert words in text


def test_a_crowded_inventory_of_35_people_still_renders_every_label() -> None:
    people = [
        CirclePerson(
            f"Person {index:02d}",
            1 + index % 5,
            ["good", "mixed", "difficult"][index % 3],
        )
        for index in range(35)
    ]
    text = texts(pictures.circle_svg(people))
    for index in range(35):
        assert f"Person {index:02d}" in text


def test_long_names_are_shortened_in_the_picture() -> None:
    person = CirclePerson(
        "A very long description of a person in the inventory", 3, "good"
    )
    text = texts(pictures.circle_svg([person]))
    assert "A very long description…" in text


def test_the_same_inventory_draws_the_same_picture() -> None:
    assert pictures.circle_svg(TYPICAL) == pictures._circle_svg.__wrapped__(  # type: ignore[attr-defined]
        tuple(TYPICAL), "Patient"
    )


def test_names_are_escaped_in_the_svg() -> None:
    svg = pictures.circle_svg([CirclePerson("<Tom & Jerry>", 3, "good")])
    assert "<Tom" not in svg
    assert "<Tom & Jerry>" in texts(svg)


TODAY = date(2026, 6, 1)


def test_an_empty_timeline_says_so() -> None:
    assert "Nothing on the timeline yet" in texts(
        pictures.timeline_svg([], [], today=TODAY)
    )


def test_a_timeline_shows_events_episodes_and_substance_use() -> None:
    svg = pictures.timeline_svg(
        [
            TimelineEvent("Mother died", "loss", date(2026, 3, 12)),
            TimelineEvent(
                "Lost job", "life_change", date(2025, 11, 1), approximate=True
            ),
        ],
        [
            TimelinePeriod("Depressive episode", "symptoms", date(2026, 5, 1)),
            TimelinePeriod(
                "Alcohol", "substance_use", date(2023, 1, 1), date(2026, 2, 1)
            ),
        ],
        today=TODAY,
    )
    text = texts(svg)
    for words in (
        "Life events",
        "Symptom episodes",
        "Substance use",
        "Mother died",
        "~Lost job",
        "Depressive episode (ongoing)",
        "Alcohol",
        "Death or loss",
        "today",
    ):
        assert words in text


@pytest.mark.parametrize("count", [1, 40])
def test_a_busy_timeline_renders(count: int) -> None:
    events = [
        TimelineEvent(
            f"Event {index}", "other", date(2020 + index % 6, 1 + index % 12, 1)
        )
        for index in range(count)
    ]
    text = texts(pictures.timeline_svg(events, [], today=TODAY))
    assert f"Event {count - 1}" in text


def test_the_data_uri_carries_the_svg_unchanged() -> None:
    svg = pictures.circle_svg(TYPICAL)
    uri = pictures.svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


def test_the_diary_week_draws_mood_and_cravings_with_numbered_moments() -> None:
    from datetime import date, timedelta

    from ipt.pictures import DiaryPoint, diary_week_svg

    monday = date(2026, 11, 16)
    points = [
        DiaryPoint(day=monday + timedelta(days=n), mood=None, craving=None)
        for n in range(7)
    ]
    points[2] = DiaryPoint(day=points[2].day, mood=3, craving=8, moment=1, used=True)
    points[5] = DiaryPoint(day=points[5].day, mood=7, craving=2, moment=2)
    svg = diary_week_svg(points)
    assert svg.startswith("<?xml") and "Mood" in svg and "Cravings" in svg
    assert ">1<" in svg and ">2<" in svg  # the moments' numbers, as text
    assert "Mon 16" in svg
    assert diary_week_svg(points) == svg  # the same picture for the same week


def _font_sizes(svg: str) -> set[float]:
    return {float(size) for size in re.findall(r"font[^;\"]*?(\d+(?:\.\d+)?)px", svg)}


def test_the_patients_name_fits_the_centre_or_ends_in_an_ellipsis() -> None:
    whole = texts(pictures.circle_svg([], centre_label="Zephyrine"))
    assert "Zephyrine" in whole
    cut = texts(pictures.circle_svg([], centre_label="Zephyrine-Anastasia"))
    assert "Zephyrine-Anastasia" not in cut
    assert re.search(r"\bZeph\w*…", cut)


@pytest.mark.parametrize("count", [3, 15, 30])
def test_every_text_is_at_least_small_print_at_the_figures_own_size(
    count: int,
) -> None:
    """Shown at most at its own width (7 in, CSS .picture-circle), 11 pt is 14.7 px:
    at least the page's small print (.85rem); a bigger figure scales its text up."""
    people = [
        CirclePerson(f"Person {index:02d}", 1 + index % 5, "mixed")
        for index in range(count)
    ]
    svg = pictures.circle_svg(people, centre_label="Robin")
    crowded = count > 20  # drawn at 9 in, so its text is 9/7 bigger
    assert min(_font_sizes(svg)) >= (14 if crowded else 11)
    text = texts(svg)
    for index in range(count):
        assert f"Person {index:02d}" in text


def test_changes_of_level_of_care_are_drawn_on_the_timeline() -> None:
    svg = pictures.timeline_svg(
        [],
        [TimelinePeriod("Alcohol", "substance_use", date(2025, 1, 1))],
        today=TODAY,
        care_changes=[
            pictures.CareChange("Intensive outpatient", date(2026, 1, 5)),
            pictures.CareChange("Pay $5 $10\u202e <b>", date(2026, 4, 1)),
        ],
    )
    text = texts(svg)
    assert "→ Intensive outpatient" in text
    # Through plain_label: drawn as written, no formula, no bidi override, no markup.
    assert "→ Pay $5 $10 <b>" in text
    assert "\u202e" not in svg and "<b>" not in svg
    without = texts(pictures.timeline_svg([], [], today=TODAY))
    assert "→" not in without


def _overlapping_names(people: list[CirclePerson]) -> int:
    """Pairs of people's labels whose drawn boxes overlap (the circle's own figure,
    laid out by matplotlib's renderer)."""
    from unittest import mock

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    drawn: list[Figure] = []
    real = pictures._to_svg

    def keep(figure: Figure) -> str:
        drawn.append(figure)
        return real(figure)

    pictures._circle_svg.cache_clear()
    with mock.patch.object(pictures, "_to_svg", keep):
        pictures.circle_svg(people, centre_label="Robin")
    renderer = FigureCanvasAgg(drawn[0]).get_renderer()
    names = {person.name for person in people}
    boxes = [
        text.get_window_extent(renderer)
        for text in drawn[0].axes[0].texts
        if text.get_text().split("\n")[0] in names
    ]
    assert len(boxes) == len(people)
    return sum(
        1
        for i, box in enumerate(boxes)
        for other in boxes[i + 1 :]
        if box.overlaps(other)
    )


@pytest.mark.parametrize(
    "closeness",
    [
        None,  # spread over the rings, as inventories are
        4,
        3,
        2,
        1,
        5,
    ],
)
def test_a_crowded_inventory_of_15_keeps_its_names_apart(
    closeness: int | None,
) -> None:
    people = [
        CirclePerson(
            f"Person number {index:02d}",
            closeness or 1 + index % 5,
            "mixed",
        )
        for index in range(15)
    ]
    assert _overlapping_names(people) == 0


# --- A crowded inventory stays legible (issue #20) -----------------------------------

PAGE_WIDTH_PX = 672  # .picture-circle's max-width: 42rem (iptcare.css)
SMALL_PRINT_PX = 13.6  # the page's small print: .85rem

REAL_NAMES = [
    CirclePerson("Mum", 5, "good", supports_recovery=True),
    CirclePerson("Dad", 5, "difficult", deceased=True),
    CirclePerson("Aunt Margaret-Louise", 5, "good"),
    CirclePerson("Grandma Rosa", 5, "good"),
    CirclePerson("Partner (Sam)", 5, "mixed", is_trigger=True),
    CirclePerson("Jay from the pub", 5, "difficult", uses_with_patient=True),
    CirclePerson("Sponsor", 5, "good", supports_recovery=True),
    CirclePerson("Старшая сестра Ольга", 5, "good"),
    CirclePerson("محمد الأخ الأكبر", 5, "mixed"),
    CirclePerson("Ngozi Okonkwo-Adeyemi", 5, "good"),
    CirclePerson("Li", 5, "mixed"),
    CirclePerson("Best friend from school days, still in touch", 5, "good"),
    CirclePerson("<b>Tom & Jerry</b>", 4, "difficult"),
    CirclePerson("Zoë", 2, "good"),
    CirclePerson("Neighbour upstairs", 1, "good"),
]
INVENTORIES = {
    "typical": TYPICAL,
    "15 long names on the innermost ring": [
        CirclePerson(f"Person number {index:02d}", 5, "mixed") for index in range(15)
    ],
    "15 real names, mostly closest": REAL_NAMES,
    "35 spread over the rings": [
        CirclePerson(f"Person {index:02d}", 1 + index % 5, "good")
        for index in range(35)
    ],
}


def _drawn(people: list[CirclePerson], centre_label: str = "Robin") -> Any:
    """The circle's figure as drawn (before it is written as SVG)."""
    from unittest import mock

    drawn: list[Any] = []
    real = pictures._to_svg

    def keep(figure: Any) -> str:
        drawn.append(figure)
        return real(figure)

    pictures._circle_svg.cache_clear()
    with mock.patch.object(pictures, "_to_svg", keep):
        pictures.circle_svg(people, centre_label=centre_label)
    return drawn[0]


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_every_name_stands_apart_and_inside_the_picture(inventory: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    people = INVENTORIES[inventory]
    figure = _drawn(people)
    renderer = FigureCanvasAgg(figure).get_renderer()
    labels = figure.axes[0].texts[1:]  # the first is the patient's name
    assert len(labels) == len(people)
    boxes = [label.get_window_extent(renderer) for label in labels]
    crossing = [
        (labels[i].get_text(), labels[j].get_text())
        for i, box in enumerate(boxes)
        for j in range(i + 1, len(boxes))
        if box.overlaps(boxes[j])
    ]
    assert crossing == []
    outside = [
        label.get_text()
        for label, box in zip(labels, boxes, strict=True)
        if box.x0 < figure.bbox.x0 or box.x1 > figure.bbox.x1
    ]
    assert outside == []


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_on_the_page_every_text_is_at_least_small_print(inventory: str) -> None:
    """The page shows the picture at most 42rem wide: the SVG's own width (in pt, its
    unit) shown at that width leaves its smallest text at least the small print."""
    svg = pictures.circle_svg(INVENTORIES[inventory], centre_label="Robin")
    width_pt = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    shown_px = min(PAGE_WIDTH_PX, width_pt * 4 / 3)
    smallest = min(_font_sizes(svg)) * shown_px / width_pt
    assert smallest >= SMALL_PRINT_PX, (width_pt, min(_font_sizes(svg)))


def test_names_of_any_length_and_script_are_drawn_whole_or_cut_and_escaped() -> None:
    svg = pictures.circle_svg(REAL_NAMES, centre_label="Robin")
    text = texts(svg)
    for name in (
        "Aunt Margaret-Louise",
        "Старшая сестра Ольга",
        "محمد الأخ الأكبر",
        "Ngozi Okonkwo-Adeyemi",
        "Dad (died)",
        "Partner (Sam) ! trigger",
        "Best friend from school…",  # cut at 24 letters; the table has it whole
        "<b>Tom & Jerry</b>",
    ):
        assert name in text, name
    assert "<b>" not in svg and "&amp;" in svg  # user text is data in the SVG
    assert "Robin" in text


def test_a_crowded_inventory_keeps_the_patients_name_inside_the_centre() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    crowded = INVENTORIES["15 long names on the innermost ring"]
    for name in ("Robin", "Zephyrine-Anastasia"):
        figure = _drawn(crowded, centre_label=name)
        axes = figure.axes[0]
        centre = axes.texts[0]
        shown = centre.get_text()
        assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1]))
        box = centre.get_window_extent(FigureCanvasAgg(figure).get_renderer())
        left, right = axes.transData.transform([(-1, 0), (1, 0)])[:, 0]
        assert left <= box.x0 and box.x1 <= right, (name, shown)
    assert texts(pictures.circle_svg(crowded, centre_label="Robin")).startswith("Robin")
