"""`__among` selects what `__in` selects, the values passed to PostgreSQL as one array."""

import pytest

from projects.models import Agreement, FundingCommitment
from tests.factories import AgreementFactory, CommitmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_among_selects_the_rows_in_selects_through_fields_foreign_keys_and_subqueries():
    first, second, third = AgreementFactory.create_batch(3)
    for agreement in (first, second, third):
        CommitmentFactory(agreement=agreement)
    wanted = {first.pk, third.pk}

    for lookup in ("agreement_id", "agreement", "agreement__pk"):
        found = FundingCommitment.objects.filter(**{f"{lookup}__among": wanted})
        assert sorted(found.values_list("agreement_id", flat=True)) == sorted(wanted)
    assert set(Agreement.objects.filter(reference__among=[second.reference])) == {second}
    chosen = Agreement.objects.filter(pk__in=wanted).values("pk")
    assert set(FundingCommitment.objects.filter(agreement_id__among=chosen)) == set(
        FundingCommitment.objects.filter(agreement_id__in=wanted)
    )
    assert not Agreement.objects.filter(pk__among=[]).exists()


def test_among_passes_its_values_as_one_parameter_however_many_they_are_and_reads_a_subquery_into_one():
    sql, params = Agreement.objects.filter(pk__among=range(1, 1001)).query.sql_with_params()
    assert "= ANY(%s)" in sql
    assert params == (list(range(1, 1001)),)

    sql, _ = Agreement.objects.filter(pk__among=Agreement.objects.values("pk")[:12]).query.sql_with_params()
    assert "= ANY(ARRAY(SELECT" in sql
