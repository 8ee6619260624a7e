"""The domain models, one module per area."""

from projects.models.agreements import Agreement, AgreementParty, StatusChange
from projects.models.change_requests import ChangeRequest
from projects.models.funding import Disbursement, ExchangeRate, FundingCommitment
from projects.models.milestones import Milestone
from projects.models.organizations import Capability, Organization
from projects.models.reports import StatusReport

__all__ = [
    "Agreement",
    "AgreementParty",
    "Capability",
    "ChangeRequest",
    "Disbursement",
    "ExchangeRate",
    "FundingCommitment",
    "Milestone",
    "Organization",
    "StatusChange",
    "StatusReport",
]
