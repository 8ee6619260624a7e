"""The milestone timeline's axis: around the milestones and today, whole-period ticks, no invented spans."""

import datetime

import pytest

from projects.web.timeline import axis_ticks, milestone_timeline
from tests.factories import AgreementFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_clustered_milestones_spread_over_an_axis_of_their_own_weeks():
    today = datetime.date(2026, 3, 2)
    agreement = AgreementFactory(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2028, 12, 31))
    milestones = [MilestoneFactory(agreement=agreement, due_on=today + datetime.timedelta(days=n)) for n in range(4)]

    timeline = milestone_timeline(agreement, milestones, today)

    # Four days plus today make less than the 14-day minimum: a fortnight centred on them, not four years.
    assert (timeline.starts_on, timeline.ends_on) == (datetime.date(2026, 2, 24), datetime.date(2026, 3, 10))
    assert [row.due for row in timeline.rows] == [42.86, 50.0, 57.14, 64.29]
    assert timeline.today == 42.86
    assert [tick.label for tick in timeline.ticks] == ["2 Mar", "9 Mar"]
    assert not hasattr(timeline.rows[0], "start")  # a milestone has a due date only


def test_ticks_fall_on_whole_months_with_the_year_where_it_starts():
    assert axis_ticks(datetime.date(2025, 10, 20), datetime.date(2026, 2, 10)) == [
        (datetime.date(2025, 11, 1), "Nov 2025"),
        (datetime.date(2025, 12, 1), "Dec"),
        (datetime.date(2026, 1, 1), "Jan 2026"),
        (datetime.date(2026, 2, 1), "Feb"),
    ]
    assert [label for _, label in axis_ticks(datetime.date(2024, 1, 1), datetime.date(2029, 1, 1))] == [
        "2024",
        "2025",
        "2026",
        "2027",
        "2028",
        "2029",
    ]
