"""How the tracker's vocabulary maps onto the IATI 2.03 codelists (iatistandard.org/en/iati-standard/203/codelists/)."""

from projects.choices import AgreementStatus, OrganizationKind, PartyRole

# ActivityStatus: 1 Pipeline/identification, 2 Implementation, 3 Finalisation, 4 Closed, 5 Cancelled, 6 Suspended.
ACTIVITY_STATUS = {
    AgreementStatus.DRAFT: "1",
    AgreementStatus.NEGOTIATING: "1",
    AgreementStatus.SIGNED: "2",
    AgreementStatus.ACTIVE: "2",
    AgreementStatus.SUSPENDED: "6",
    AgreementStatus.COMPLETED: "4",
    AgreementStatus.TERMINATED: "5",
}

# OrganisationRole: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing. Observers have no IATI role.
ACCOUNTABLE = "2"
ORGANISATION_ROLE = {
    PartyRole.FUNDER: "1",
    PartyRole.LEAD: ACCOUNTABLE,
    PartyRole.SPONSOR: "3",
    PartyRole.PRODUCER: "4",
    PartyRole.TRAINER: "4",
    PartyRole.RECIPIENT: "4",
}

# OrganisationType: 10 Government, 22 National NGO, 40 Multilateral, 70 Private Sector.
ORGANISATION_TYPE = {
    OrganizationKind.GOVERNMENT: "10",
    OrganizationKind.MINISTRY: "10",
    OrganizationKind.ARMED_FORCE: "10",
    OrganizationKind.COMPANY: "70",
    OrganizationKind.INTERNATIONAL_BODY: "40",
    OrganizationKind.NGO: "22",
}

# ActivityDateType.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# SectorVocabulary 99: the reporting organisation's own (the capability taxonomy).
REPORTING_ORGANISATION_VOCABULARY = "99"
# BudgetType 1 Original; BudgetStatus 2 Committed.
BUDGET_ORIGINAL, BUDGET_COMMITTED = "1", "2"
# TransactionType.
OUTGOING_COMMITMENT, DISBURSEMENT = "2", "3"
# ResultType 1 Output; IndicatorMeasure 1 Unit.
RESULT_OUTPUT, MEASURE_UNIT = "1", "1"
