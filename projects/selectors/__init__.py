"""Named reads, by subject: they return querysets or frozen dataclasses, aggregate in the database and never write.

Import them from here (`from projects.selectors import portfolio_funding`); the modules are how they are kept.
"""

from projects.selectors.agreements import (
    IN_PORTFOLIO,
    NO_REPORT,
    RagCount,
    agreement_page_queryset,
    agreement_rows,
    rag_distribution,
)
from projects.selectors.capacity import UNFUNDED_DEFINITION, CapacityLine, PortfolioCapacity, portfolio_capacity
from projects.selectors.donors import BurdenSharing, Donor, DonorYear, burden_sharing
from projects.selectors.funding import PortfolioFunding, Unvalued, funding_summary, portfolio_funding
from projects.selectors.milestones import late_and_due_milestones
from projects.selectors.money import FunderFunding, FundingSummary, Rates

__all__ = [
    "BurdenSharing",
    "Donor",
    "DonorYear",
    "burden_sharing",
    "UNFUNDED_DEFINITION",
    "CapacityLine",
    "PortfolioCapacity",
    "portfolio_capacity",
    "IN_PORTFOLIO",
    "NO_REPORT",
    "FunderFunding",
    "FundingSummary",
    "PortfolioFunding",
    "RagCount",
    "Rates",
    "Unvalued",
    "agreement_page_queryset",
    "agreement_rows",
    "funding_summary",
    "late_and_due_milestones",
    "portfolio_funding",
    "rag_distribution",
]
