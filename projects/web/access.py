"""Who may do what in the web UI: everyone signed in reads, programme managers (staff) edit."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin


class ManagerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Viewers get 403 here; the services would refuse them anyway, but the page should say so first."""

    def test_func(self) -> bool:
        return self.request.user.is_staff


def can_edit(user) -> bool:
    return user.is_authenticated and user.is_staff
