"""Values every page's navigation shows."""

from django.utils.functional import SimpleLazyObject

from projects.choices import ChangeState
from projects.models import ChangeRequest


def pending_approvals(request) -> dict:
    """How many money changes wait for approval, for programme managers; counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {
        "pending_approvals": SimpleLazyObject(lambda: ChangeRequest.objects.filter(state=ChangeState.PENDING).count())
    }
