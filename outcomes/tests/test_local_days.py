"""The clinic's local days as instants (``iptcare.lib.local_days``): the service
dashboard counts referrals by a range on ``created_at`` from the first instant of the
period's first day, and must count what ``created_at__date`` counted, in zones whose
midnight a clock change skips or repeats (decisions/0069)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.access import ServiceScope
from accounts.tests.factories import SiteFactory
from iptcare.lib.local_days import day_begins, days_between, on_local_days
from outcomes.dashboard import Filters, referral_counts
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory

# A zone and a day a clock change falls on.
CHANGES = [
    # Midnight skipped: 00:00 → 01:00.
    ("America/Sao_Paulo", date(2018, 11, 4)),
    ("America/Havana", date(2024, 3, 10)),
    ("Asia/Beirut", date(2024, 3, 31)),
    # The clock back at midnight to 23:00: the day before an hour longer.
    ("America/Sao_Paulo", date(2019, 2, 17)),
    ("Asia/Beirut", date(2024, 10, 27)),
    # Midnight repeated: 01:00 → 00:00.
    ("America/Havana", date(2024, 11, 3)),
    # A whole day skipped: 30 December 2011 never happened in Samoa.
    ("Pacific/Apia", date(2011, 12, 30)),
    # Changes away from midnight.
    ("Europe/London", date(2024, 3, 31)),
    ("Europe/London", date(2024, 10, 27)),
    ("Australia/Lord_Howe", date(2024, 4, 7)),  # half an hour back
]


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("zone", "day", "begins"),
    [
        ("America/Sao_Paulo", date(2018, 11, 4), _utc(2018, 11, 4, 3)),  # 01:00 -02
        ("America/Sao_Paulo", date(2019, 2, 17), _utc(2019, 2, 17, 3)),  # 00:00 -03
        ("America/Havana", date(2024, 3, 10), _utc(2024, 3, 10, 5)),  # 01:00 -04
        ("America/Havana", date(2024, 11, 3), _utc(2024, 11, 3, 4)),  # the first
        ("Asia/Beirut", date(2024, 3, 31), _utc(2024, 3, 30, 22)),  # 01:00 +03
        ("Asia/Beirut", date(2024, 10, 27), _utc(2024, 10, 26, 22)),  # 00:00 +02
        ("Pacific/Apia", date(2011, 12, 30), _utc(2011, 12, 30, 10)),  # = the 31st
        ("Pacific/Apia", date(2011, 12, 31), _utc(2011, 12, 30, 10)),
        ("Europe/London", date(2024, 7, 1), _utc(2024, 6, 30, 23)),
    ],
)
def test_a_day_begins_at_its_first_instant(
    zone: str, day: date, begins: datetime
) -> None:
    tz = ZoneInfo(zone)
    assert day_begins(day, tz) == begins
    # Nothing earlier is on the day or after it.
    assert (begins - timedelta(microseconds=1)).astimezone(tz).date() < day
    assert begins.astimezone(tz).date() >= day


def test_the_current_time_zone_is_the_default() -> None:
    with timezone.override(ZoneInfo("America/Havana")):
        assert days_between(date(2024, 3, 10), date(2024, 3, 10)) == (
            _utc(2024, 3, 10, 5),
            _utc(2024, 3, 11, 4),  # a day of 23 hours
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "day"), CHANGES, ids=lambda v: str(v))
def test_counted_by_instants_as_by_local_dates(zone: str, day: date) -> None:
    """Rows every 20 minutes for three days around the change, and one either side
    of every day's first instant: every period of those days counts the same rows
    by the range as by ``created_at__date``, on either engine."""
    tz = ZoneInfo(zone)
    days = [day + timedelta(days=n) for n in range(-2, 3)]
    first = day_begins(days[0], tz)
    instants = [first + timedelta(minutes=20 * n) for n in range(3 * 24 * 3 + 6)]
    for each in days:
        begins = day_begins(each, tz)
        instants += [begins, begins - timedelta(microseconds=1)]
    site = SiteFactory()
    Referral.objects.bulk_create(
        [ReferralFactory.build(site=site, created_at=when) for when in instants]
    )
    scope = ServiceScope(whole_service=True, team_ids=frozenset())
    with timezone.override(tz):
        for start in days:
            for end in days:
                by_date = Referral.objects.filter(
                    created_at__date__gte=start, created_at__date__lte=end
                ).count()
                by_range = Referral.objects.filter(
                    on_local_days("created_at", start, end)
                ).count()
                assert by_range == by_date, (start, end)
                counted = referral_counts(scope, Filters(start=start, end=end))
                assert counted["received"] == by_date, (start, end)
        # Every row but the one just before the first day's first instant.
        everything = on_local_days("created_at", days[0], days[-1])
        assert Referral.objects.filter(everything).count() == len(instants) - 1


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "UTC"])
def test_the_first_and_last_days_python_has_are_ranges_not_overflows(zone: str) -> None:
    """A date stored before typed dates were bounded (0001-01-01, 9999-12-31)."""
    start, end = days_between(date.min, date.max, ZoneInfo(zone))
    assert start <= datetime(1, 1, 2, tzinfo=UTC)
    assert end == datetime.max.replace(tzinfo=UTC)
