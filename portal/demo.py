"""The portal's share of the demo clinic: a week of diary entries and a piece of
homework for patients in the middle of their course, so that a clinician's session
preparation has something to show. Bulk-inserted, deterministic for a generator, and
capped (the diary is shown per patient; a hundred thousand weeks would only slow the
load)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ipt.choices import Phase
from ipt.models import Course
from portal.choices import HomeworkStatus
from portal.homework_templates import TEMPLATES
from portal.models import DiaryEntry, Homework

MOMENTS = [
    ("Argued about money", "Angry, then low"),
    ("Had lunch together", "Relaxed"),
    ("They did not answer my call", "Let down"),
    ("Talked about the future", "Hopeful"),
    ("Felt left out at dinner", "Lonely"),
]


def load_portal(rng: random.Random, *, limit: int = 300) -> int:
    """Diary weeks and homework for up to ``limit`` middle-phase courses."""
    courses = list(
        Course.objects.filter(phase=Phase.MIDDLE)
        .select_related("patient")
        .prefetch_related("people")
        .order_by("id")[:limit]
    )
    today = timezone.localdate()
    entries = []
    homework = []
    for course in courses:
        people = list(course.people.all())
        mood = rng.randint(3, 7)
        for days_ago in range(6, -1, -1):
            if rng.random() < 0.2:
                continue  # a day without an entry, as in life
            mood = max(0, min(10, mood + rng.choice([-2, -1, 0, 1, 1])))
            what, felt = rng.choice(MOMENTS)
            person = rng.choice(people) if people and rng.random() < 0.7 else None
            entries.append(
                DiaryEntry(
                    patient=course.patient,
                    course=course,
                    day=today - timedelta(days=days_ago),
                    mood=mood,
                    craving=max(0, min(10, 8 - mood + rng.randint(-1, 1))),
                    person=person,
                    what_happened=what if person else "",
                    how_it_felt=felt if person else "",
                )
            )
        template = rng.choice(TEMPLATES)
        done = rng.random() < 0.5
        homework.append(
            Homework(
                patient=course.patient,
                course=course,
                template=template.key,
                set_by_id=course.clinician_id,
                status=HomeworkStatus.DONE if done else HomeworkStatus.SET,
                answers=["Did it on Tuesday; it went better than I feared."]
                if done
                else [],
                completed_at=timezone.now() - timedelta(days=1) if done else None,
            )
        )
    DiaryEntry.objects.bulk_create(entries, batch_size=2000)
    Homework.objects.bulk_create(homework, batch_size=2000)
    return len(courses)
