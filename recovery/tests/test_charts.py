"""The recovery chart with none, one and many weeks of use (no database), and the
selector that feeds it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from outcomes.charts import Marker, PhaseSpan
from recovery import charts

START = date(2026, 1, 5)


def weeks(count: int) -> tuple[charts.Week, ...]:
    return tuple(
        charts.Week(
            starts_on=START + timedelta(days=7 * n),
            days_used=float(max(0, 4 - n)),
            craving=float(max(0, 8 - n)),
            phq9=float(max(2, 20 - 2 * n)),
        )
        for n in range(count)
    )


def draw(count: int, **extra: Any) -> str:
    data = charts.RecoveryChartData(key=f"test-{count}", weeks=weeks(count), **extra)
    return charts.render_svg(data)


def test_no_weeks_draws_an_empty_chart_that_says_so() -> None:
    svg = draw(0)
    assert svg.startswith("<svg") and "Nothing recorded yet" in svg
    assert 'aria-label="Use, cravings and PHQ-9: nothing recorded yet."' in svg


def test_one_week_draws_its_bar_and_points() -> None:
    svg = draw(1)
    assert "over 1 weeks" in svg
    assert "days of use per week" in svg and "PHQ-9 (0–27, right)" in svg


def test_many_weeks_with_phases_events_and_care_changes() -> None:
    svg = draw(
        16,
        phases=(
            PhaseSpan("initial", "Initial", START, START + timedelta(days=20)),
            PhaseSpan(
                "middle",
                "Middle",
                START + timedelta(days=21),
                START + timedelta(days=90),
            ),
        ),
        events=(Marker(START + timedelta(days=30), "1"),),
        care_changes=(Marker(START + timedelta(days=40), ""),),
    )
    assert "over 16 weeks" in svg
    assert "interpersonal event (numbered)" in svg and "level of care changed" in svg
    # Safe inline: no style element or attribute, ids prefixed with the key.
    assert "<style" not in svg and 'style="' not in svg
    assert 'id="test-16-' in svg


def test_a_dollar_in_a_label_is_drawn_as_text() -> None:
    assert charts._plain("$5 $10") == "$5 $10"  # PLAIN_TEXT_RC: no mathtext
    svg = charts.render_svg(
        charts.RecoveryChartData(
            key="dollar",
            weeks=weeks(2),
            phases=(
                PhaseSpan("middle", "Pay $5 $10", START, START + timedelta(days=10)),
            ),
        )
    )
    assert "Pay $5 $10" in svg


@pytest.mark.django_db
def test_the_selector_builds_weeks_from_use_cravings_and_scores(clinic: Any) -> None:
    from ipt.choices import Phase
    from ipt.tests.factories import TimelineEntryFactory, course_in_phase
    from measures.tests.factories import AdministrationFactory
    from recovery import selectors
    from recovery.models import UseReport
    from recovery.tests import factories

    course = course_in_phase(
        Phase.MIDDLE, patient=clinic.patient, clinician=clinic.therapist_on_team
    )
    empty = selectors.recovery_chart(clinic.patient, course)
    assert empty.data.weeks == ()
    UseReport.objects.create(
        patient=clinic.patient,
        substance=factories.substance("alcohol"),
        source="session",
        first_day=course.opened_on,
        last_day=course.opened_on + timedelta(days=6),
        days_used=3,
    )
    AdministrationFactory(patient=clinic.patient, entered_by=clinic.therapist_on_team)
    TimelineEntryFactory(
        course=course,
        title="Row with her sister",
        started_on=course.opened_on + timedelta(days=2),
    )
    chart = selectors.recovery_chart(clinic.patient, course)
    first_week = next(w for w in chart.data.weeks if w.starts_on == course.opened_on)
    assert first_week.days_used == 3
    assert any(w.phq9 is not None for w in chart.data.weeks)
    assert chart.event_labels[0][1] == "Row with her sister"
    assert "Row with her sister" not in str(chart.svg)  # numbered, named in the table
