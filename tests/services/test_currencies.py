"""Money enters only in a currency with a rate to the base currency; a new currency may bring today's rate."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, ExchangeRate, FundingCommitment
from projects.services.agreements import create_agreement, update_agreement
from projects.services.funding import delete_exchange_rate, record_commitment, update_exchange_rate
from tests.factories import AgreementFactory, ExchangeRateFactory, OrganizationFactory
from tests.locks import race_on_held_row

pytestmark = pytest.mark.django_db


def new_agreement(staff, currency: str, **extra) -> Agreement:
    return create_agreement(
        actor=staff,
        reference=f"UA-{currency}-2026-001",
        title="Shell casings",
        kind="procurement",
        currency=currency,
        budget=Decimal("800000.00"),
        **extra,
    )


def test_an_agreement_in_a_currency_without_a_rate_is_refused_unless_it_brings_one(staff):
    with pytest.raises(DomainError) as refused:
        new_agreement(staff, "PLN")

    assert (refused.value.code, refused.value.field) == (ErrorCode.MISSING_RATE, "currency")
    assert refused.value.message == (
        "There is no exchange rate from PLN to EUR: add one under Exchange rates, "
        "or give today's rate with the agreement."
    )
    assert not Agreement.objects.exists() and not ExchangeRate.objects.exists()

    new_agreement(staff, "PLN", exchange_rate=Decimal("0.23"))

    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate, rate.valid_on) == ("PLN", Decimal("0.23"), timezone.localdate())
    assert rate.history.get().history_user == staff.user
    assert Agreement.objects.get().currency == "PLN"


def test_a_commitment_in_a_currency_without_a_rate_is_refused_unless_it_brings_one(staff):
    agreement, funder = AgreementFactory(), OrganizationFactory(country="DK")
    terms = {"actor": staff, "agreement_id": agreement.pk, "funder_id": funder.pk, "pledged_on": timezone.localdate()}

    with pytest.raises(DomainError) as refused:
        record_commitment(amount=Decimal("2500000.00"), currency="DKK", **terms)

    assert (refused.value.code, refused.value.field) == (ErrorCode.MISSING_RATE, "currency")
    assert "give today's rate with the commitment" in refused.value.message
    assert not FundingCommitment.objects.exists() and not agreement.parties.exists()

    record_commitment(amount=Decimal("2500000.00"), currency="DKK", exchange_rate=Decimal("0.134"), **terms)

    assert FundingCommitment.objects.get().currency == "DKK"
    assert ExchangeRate.objects.get(currency="DKK").rate == Decimal("0.134")


def test_the_base_currency_and_currencies_with_a_rate_need_nothing_more(staff):
    ExchangeRateFactory(currency="GBP", valid_on=timezone.localdate() - datetime.timedelta(days=400))

    assert new_agreement(staff, "EUR").currency == "EUR"
    assert new_agreement(staff, "GBP").currency == "GBP"
    assert ExchangeRate.objects.count() == 1


def test_a_rate_valid_only_from_a_later_day_does_not_count_yet(staff):
    ExchangeRateFactory(currency="PLN", valid_on=timezone.localdate() + datetime.timedelta(days=1))

    with pytest.raises(DomainError) as refused:
        new_agreement(staff, "PLN")

    assert refused.value.code == ErrorCode.MISSING_RATE


def test_a_rate_given_with_an_agreement_never_overrides_a_known_one(staff):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"))

    with pytest.raises(DomainError) as refused:
        new_agreement(staff, "GBP", exchange_rate=Decimal("1.50"))

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "exchange_rate")
    assert "GBP already converts to EUR at 1.17" in refused.value.message
    assert not Agreement.objects.exists()
    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("1.17")]
    new_agreement(staff, "GBP", exchange_rate=Decimal("1.17000000"))  # the known rate, repeated, is fine
    assert Agreement.objects.count() == 1


def test_moving_an_agreement_to_a_currency_without_a_rate_is_refused(staff):
    agreement = AgreementFactory(currency="EUR", title="Old title")

    with pytest.raises(DomainError) as refused:
        update_agreement(actor=staff, agreement_id=agreement.pk, currency="UAH", title="New title")

    assert refused.value.code == ErrorCode.MISSING_RATE
    agreement.refresh_from_db()
    assert (agreement.currency, agreement.title) == ("EUR", "Old title")
    update_agreement(actor=staff, agreement_id=agreement.pk, currency="UAH", exchange_rate=Decimal("0.022"))
    assert Agreement.objects.get().currency == "UAH"


def test_an_agreement_whose_rate_was_deleted_can_still_change_other_terms(staff):
    agreement = AgreementFactory(currency="PLN")

    update_agreement(actor=staff, agreement_id=agreement.pk, title="Renamed")

    assert Agreement.objects.get().title == "Renamed"


def test_correcting_a_rate_keeps_one_rate_per_currency_and_day(staff, partner):
    today = timezone.localdate()
    earlier = ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=today - datetime.timedelta(days=7))
    latest = ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=today)

    with pytest.raises(DomainError) as denied:
        update_exchange_rate(actor=partner, rate_id=earlier.pk, rate=Decimal("9"), valid_on=earlier.valid_on)
    with pytest.raises(DomainError) as same_day:
        update_exchange_rate(actor=staff, rate_id=earlier.pk, rate=Decimal("1.16"), valid_on=today)

    assert denied.value.code == ErrorCode.PERMISSION_DENIED
    assert (same_day.value.code, same_day.value.field) == (ErrorCode.DUPLICATE, "valid_on")
    update_exchange_rate(actor=staff, rate_id=earlier.pk, rate=Decimal("1.16"), valid_on=earlier.valid_on)
    assert dict(ExchangeRate.objects.values_list("pk", "rate")) == {
        earlier.pk: Decimal("1.16"),
        latest.pk: Decimal("1.17"),
    }
    assert ExchangeRate.objects.get(pk=earlier.pk).history.latest().history_user == staff.user


def test_a_rate_moves_to_a_free_day_even_one_another_currency_has(staff):
    rate = ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=datetime.date(2026, 1, 5))
    ExchangeRateFactory(currency="USD", rate=Decimal("0.93"), valid_on=datetime.date(2026, 1, 6))
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.18"), valid_on=datetime.date(2026, 1, 7))

    with pytest.raises(DomainError) as taken:
        update_exchange_rate(actor=staff, rate_id=rate.pk, rate=Decimal("1.17"), valid_on=datetime.date(2026, 1, 7))
    update_exchange_rate(actor=staff, rate_id=rate.pk, rate=Decimal("1.16"), valid_on=datetime.date(2026, 1, 6))

    assert taken.value.message == "GBP already has a rate from 2026-01-07; change that one instead."
    moved = ExchangeRate.objects.get(pk=rate.pk)
    assert (moved.currency, moved.rate, moved.valid_on) == ("GBP", Decimal("1.16"), datetime.date(2026, 1, 6))


def test_a_rate_changed_meanwhile_is_a_conflict(staff):
    rate = ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"))
    seen = rate.updated_at
    update_exchange_rate(actor=staff, rate_id=rate.pk, rate=Decimal("1.18"), valid_on=rate.valid_on)

    with pytest.raises(DomainError) as refused:
        update_exchange_rate(
            actor=staff, rate_id=rate.pk, rate=Decimal("1.50"), valid_on=rate.valid_on, expected_updated_at=seen
        )

    assert refused.value.code == ErrorCode.CONFLICT
    assert ExchangeRate.objects.get(pk=rate.pk).rate == Decimal("1.18")


def test_only_programme_managers_delete_a_rate(staff, partner):
    rate = ExchangeRateFactory(currency="GBP")

    with pytest.raises(DomainError) as refused:
        delete_exchange_rate(actor=partner, exchange_rate_id=rate.pk)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED and ExchangeRate.objects.filter(pk=rate.pk).exists()
    delete_exchange_rate(actor=staff, exchange_rate_id=rate.pk)
    assert not ExchangeRate.objects.exists()


@pytest.mark.postgres
def test_two_corrections_of_one_rate_at_once_keep_the_first_and_refuse_the_second(transactional_db, staff):
    """Both corrected the version they read; the second, queued behind the first, finds it changed."""
    rate = ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=datetime.date(2026, 1, 5))

    def correct(value):
        return lambda: (
            update_exchange_rate(
                actor=staff, rate_id=rate.pk, rate=Decimal(value), valid_on=rate.valid_on, expected_updated_at=seen
            ).rate
        )

    seen = rate.updated_at
    outcomes = race_on_held_row(ExchangeRate.objects.filter(pk=rate.pk), [correct("1.18"), correct("1.19")])

    assert ErrorCode.CONFLICT in outcomes and len(outcomes) == 2
    winner = next(outcome for outcome in outcomes if outcome != ErrorCode.CONFLICT)
    assert ExchangeRate.objects.get(pk=rate.pk).rate == winner
