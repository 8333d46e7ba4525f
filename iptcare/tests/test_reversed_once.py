"""``ReversedOnce`` gives the text ``reverse`` gives, for every row."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from iptcare.lib.urls import ReversedOnce


def test_each_row_gets_what_reverse_gives() -> None:
    course_link = ReversedOnce("ipt:course-detail", 2)
    for _ in range(3):
        patient, course = uuid.uuid4(), uuid.uuid4()
        assert course_link(patient, course) == reverse(
            "ipt:course-detail", args=[patient, course]
        )
    patient = uuid.uuid4()
    assert ReversedOnce("patients:detail", 1)(patient) == reverse(
        "patients:detail", args=[patient]
    )


def test_the_number_of_ids_must_match_the_route() -> None:
    with pytest.raises(TypeError):
        ReversedOnce("patients:detail", 1)(uuid.uuid4(), uuid.uuid4())
