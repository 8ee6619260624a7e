"""What each model field is called on the pages, in the page's language.

The models keep their English verbose names (the admin's and the migrations'); the forms and the history
of every page take their labels from here.
"""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "reference": _("Reference"),
    "title": _("Title"),
    "title_uk": _("Title in Ukrainian"),
    "name_uk": _("Name in Ukrainian"),
    "summary": _("Summary"),
    "kind": _("Kind"),
    "capabilities": _("Capabilities"),
    "currency": _("Currency"),
    "budget": _("Budget"),
    "signed_on": _("Signed on"),
    "starts_on": _("Starts on"),
    "ends_on": _("Ends on"),
    "programme_manager": _("Programme manager"),
    "organization": _("Organisation"),
    "role": _("Role"),
    "funder": _("Funder"),
    "amount": _("Amount"),
    "status": _("Status"),
    "pledged_on": _("Pledged on"),
    "commitment": _("Commitment"),
    "disbursed_on": _("Disbursed on"),
    "due_on": _("Due on"),
    "responsible": _("Responsible"),
    "owner": _("Owner"),
    "unit": _("Unit"),
    "target_quantity": _("Target quantity"),
    "actual_quantity": _("Actual quantity"),
    "completed_on": _("Completed on"),
    "reported_on": _("Reported on"),
    "rag": _("RAG"),
    "risks": _("Risks"),
    "next_steps": _("Next steps"),
    "valid_on": _("Valid from"),
    "agreement": _("Agreement"),
    "author": _("Author"),
    "author_organization": _("Author organisation"),
    "source": _("Source"),
    "reported_by_user": _("Reported by"),
    "reported_by_organization": _("Reported by organisation"),
    "verified_at": _("Verified at"),
    "verified_by": _("Verified by"),
    "rate": _("Rate"),
}
