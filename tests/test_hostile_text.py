"""Stored text never breaks a picture or a page: every picture is drawn with every
hostile text as plain text, the clinician's pages that draw them answer 200, and a
picture that still fails leaves the table and a sentence, with no patient text in the
log."""

from __future__ import annotations

import logging
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clinic
from ipt import pictures
from ipt.choices import Phase
from ipt.models import Course
from ipt.tests.factories import PersonFactory, TimelineEntryFactory, course_in_phase
from iptcare.lib.drawing import MISSING_GLYPH, plain_label
from outcomes.charts import WIDE, ChartData, PhaseSpan, render_svg
from outcomes.definitions import rules_for
from tests.hostile import FORMULA, HOSTILE_TEXT

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(svg: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_a_label_is_one_short_line_of_drawable_characters(text: str) -> None:
    label = plain_label(text, limit=24)
    assert len(label) <= 24
    assert "\n" not in label and "\x00" not in label
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs"} for c in label)


def test_a_formula_and_a_backslash_stay_as_written() -> None:
    assert plain_label(FORMULA) == FORMULA
    assert plain_label("a \\ b $c$") == "a \\ b $c$"


def test_long_text_ends_with_an_ellipsis_and_emoji_become_a_box() -> None:
    assert plain_label("A" * 10_000, limit=10) == "A" * 9 + "…"
    assert plain_label("Mum 🦄") == f"Mum {MISSING_GLYPH}"
    assert plain_label("שרה") == "שרה"  # kept in logical order: the browser lays it out


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_the_closeness_circle_draws_any_name(
    text: str, caplog: pytest.LogCaptureFixture
) -> None:
    people = [
        pictures.CirclePerson(text, 5, "good"),
        pictures.CirclePerson(text, 2, "difficult", deceased=True),
    ]
    with caplog.at_level(logging.WARNING):
        drawn = svg_text(pictures.circle_svg(people, centre_label=text))
    assert plain_label(text, limit=pictures.LABEL_CHARACTERS) in drawn
    assert not caplog.records  # no "glyph missing" warning quoting the text


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_the_timeline_draws_any_title(text: str) -> None:
    today = date(2026, 3, 1)
    drawn = svg_text(
        pictures.timeline_svg(
            [pictures.TimelineEvent(text, "loss", today - timedelta(days=300))],
            [pictures.TimelinePeriod(text, "symptoms", today - timedelta(days=200))],
            today=today,
        )
    )
    assert plain_label(text, limit=pictures.LABEL_CHARACTERS) in drawn


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_the_progress_chart_draws_any_phase_label(text: str) -> None:
    day = date(2026, 1, 5)
    chart = ChartData(
        key="hostile",
        rules=rules_for("phq9"),
        phases=(PhaseSpan("initial", text, day, day + timedelta(days=20)),),
        size=WIDE,
    )
    assert plain_label(text, limit=40) in svg_text(render_svg(chart))


def test_a_formula_is_drawn_as_its_characters_not_as_mathematics() -> None:
    svg = pictures.circle_svg(
        [pictures.CirclePerson(FORMULA, 4, "good")], centre_label="Ana"
    )
    assert FORMULA in svg_text(svg)


@pytest.fixture
def course(clinic: Clinic) -> Course:
    return course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )


def storable(texts: tuple[str, ...]) -> list[str]:
    """What a form lets through to the database: no NUL (Django's forms refuse it,
    PostgreSQL cannot store it), no lone surrogate (not UTF-8)."""
    return [t.replace("\x00", "") for t in texts if "\ud800" not in t]


def pages(course: Course) -> list[str]:
    ids = {"public_id": course.patient.public_id, "course_id": course.public_id}
    return [
        reverse("ipt:course-detail", kwargs=ids),
        reverse("ipt:inventory", kwargs=ids),
        reverse("ipt:timeline", kwargs=ids),
    ]


@pytest.mark.django_db
def test_hostile_names_and_titles_never_break_the_course_pages(
    as_therapist: Client, course: Course
) -> None:
    for text in storable(HOSTILE_TEXT):
        PersonFactory(course=course, name=text[:80])
        TimelineEntryFactory(course=course, title=text[:120])
        TimelineEntryFactory(
            course=course, category="symptoms", kind="", title=text[:120]
        )
    patient = course.patient
    patient.preferred_name = FORMULA
    patient.save()
    for path in pages(course):
        response = as_therapist.get(path)
        assert response.status_code == 200, path
        assert "data:image/svg+xml" in response.content.decode(), path


@pytest.mark.django_db
def test_a_picture_that_cannot_be_drawn_leaves_the_table_and_no_name_in_the_log(
    as_therapist: Client,
    course: Course,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    PersonFactory(course=course, name="Canary Wenceslas")

    def broken(people: list[pictures.CirclePerson], **kwargs: object) -> str:
        raise ValueError(f"cannot draw {people[0].name}")

    monkeypatch.setattr(pictures, "circle_svg", broken)
    with caplog.at_level(logging.DEBUG):
        for path in pages(course)[:2]:
            response = as_therapist.get(path)
            page = response.content.decode()
            assert response.status_code == 200
            assert "The picture could not be drawn" in page
            assert "Canary Wenceslas" in page  # the table still lists the person
    assert "closeness circle" in caplog.text
    assert "Canary" not in caplog.text
