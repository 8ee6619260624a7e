"""factory_boy factories with deterministic values for every domain model."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from projects.choices import (
    AgreementKind,
    ChangeOperation,
    ChangeTarget,
    CommitmentStatus,
    IndicatorKind,
    MilestoneStatus,
    OrganizationKind,
    PartyRole,
    Rag,
)
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    ChangeRequest,
    CountryEconomy,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusReport,
    Tranche,
)

TODAY = datetime.date(2026, 1, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    is_staff = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganizationKind.COMPANY
    country = "UA"


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability

    name = factory.Sequence(lambda n: f"Capability {n}")
    slug = factory.Sequence(lambda n: f"capability-{n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    reference = factory.Sequence(lambda n: f"UA-XX-2026-{n:04d}")
    title = factory.Sequence(lambda n: f"Joint production programme {n}")
    kind = AgreementKind.CO_PRODUCTION
    currency = "EUR"
    budget = Decimal("1000000.00")
    starts_on = TODAY
    ends_on = TODAY + datetime.timedelta(days=365)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = PartyRole.PRODUCER


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A firm commitment whose funder is a party with the funder role."""

    class Meta:
        model = FundingCommitment
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    funder = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.GOVERNMENT, country="GB")
    amount = Decimal("100000.00")
    currency = "EUR"
    status = CommitmentStatus.COMMITTED
    pledged_on = TODAY
    reference = factory.Sequence(lambda n: f"C-{n:05d}")

    @factory.post_generation
    def funder_party(self, create, extracted, **kwargs):
        if create:
            AgreementParty.objects.get_or_create(
                agreement=self.agreement, organization=self.funder, role=PartyRole.FUNDER
            )


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    commitment = factory.SubFactory(CommitmentFactory)
    amount = Decimal("10000.00")
    disbursed_on = TODAY
    reference = factory.Sequence(lambda n: f"D-{n:05d}")


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A pending proposal to raise an agreement's budget, by a programme manager."""

    class Meta:
        model = ChangeRequest

    agreement = factory.SubFactory(AgreementFactory)
    target = ChangeTarget.AGREEMENT_BUDGET
    operation = ChangeOperation.CHANGE
    before = {"budget": "1000.00"}
    proposed = {"budget": "1500.00"}
    reason = "A second production line"
    author_user = factory.SubFactory(StaffUserFactory)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ["currency", "valid_on"]

    currency = "GBP"
    rate = Decimal("1.17000000")
    valid_on = TODAY - datetime.timedelta(days=30)


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone whose responsible organisation is a producer on the agreement."""

    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = TODAY + datetime.timedelta(days=30)
    status = MilestoneStatus.PLANNED
    responsible = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def responsible_party(self, create, extracted, **kwargs):
        if create and not self.agreement.parties.filter(organization=self.responsible).exists():
            AgreementParty.objects.create(
                agreement=self.agreement, organization=self.responsible, role=PartyRole.PRODUCER
            )


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReport

    agreement = factory.SubFactory(AgreementFactory)
    author = factory.SubFactory(StaffUserFactory)
    reported_on = TODAY
    rag = Rag.GREEN
    summary = "On track."


class CountryEconomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryEconomy

    country = "GB"
    year = 2025
    gdp = Decimal("2500000000000.00")
    currency = "GBP"
    source = "IMF World Economic Outlook"


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A capacity indicator under one of its agreement's capabilities, reported by a producer on it."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Line {n} capacity")
    kind = IndicatorKind.CAPACITY
    unit = "interceptor drones"
    capability = factory.SubFactory(CapabilityFactory)
    responsible = factory.SubFactory(OrganizationFactory)
    target = 1000

    @factory.post_generation
    def links(self, create, extracted, **kwargs):
        if create:
            self.agreement.capabilities.add(self.capability)
            AgreementParty.objects.get_or_create(
                agreement=self.agreement, organization=self.responsible, role=PartyRole.PRODUCER
            )


class IndicatorPeriodFactory(factory.django.DjangoModelFactory):
    """An open period; each new one of an indicator follows the one before (a quarter each)."""

    class Meta:
        model = IndicatorPeriod

    indicator = factory.SubFactory(IndicatorFactory)
    starts_on = factory.Sequence(lambda n: TODAY + datetime.timedelta(days=100 * n))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on + datetime.timedelta(days=89))


class TrancheFactory(factory.django.DjangoModelFactory):
    """A planned, unreleased tranche of a firm commitment."""

    class Meta:
        model = Tranche

    commitment = factory.SubFactory(CommitmentFactory)
    amount = Decimal("10000.00")
    planned_on = TODAY
