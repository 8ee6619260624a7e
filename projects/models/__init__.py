"""The domain models, one module per area."""

import projects.models.lookups  # noqa: F401  (registers `__among`)
from projects.models.agreements import Agreement, AgreementParty, StatusChange
from projects.models.change_requests import ChangeRequest
from projects.models.economies import CountryEconomy
from projects.models.funding import Disbursement, ExchangeRate, FundingCommitment
from projects.models.indicators import Indicator, IndicatorPeriod
from projects.models.milestones import Milestone
from projects.models.organizations import Capability, Organization
from projects.models.reports import StatusReport
from projects.models.tranches import Tranche

__all__ = [
    "Agreement",
    "AgreementParty",
    "Capability",
    "CountryEconomy",
    "ChangeRequest",
    "Disbursement",
    "ExchangeRate",
    "FundingCommitment",
    "Indicator",
    "IndicatorPeriod",
    "Milestone",
    "Organization",
    "StatusChange",
    "StatusReport",
    "Tranche",
]
