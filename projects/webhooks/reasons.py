"""Why an attempt failed or an endpoint was switched off, in words chosen when someone reads it.

The worker writes a stable code and its data (a host, an address, a port, an exception's text); the
delivery log, the API, the admin and the e-mail put them into words in their reader's language. The
words change with the catalogue and the reader; the stored rows never need to.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from projects.webhooks.choices import AttemptError, DisabledWhy

# The kinds of address a refusal names ("…, a private address").
ADDRESS_KINDS = {
    "loopback": pgettext_lazy("address kind", "loopback"),
    "private": pgettext_lazy("address kind", "private"),
    "unspecified": pgettext_lazy("address kind", "unspecified"),
    "link_local": pgettext_lazy("address kind", "link-local (including cloud metadata services)"),
    "multicast": pgettext_lazy("address kind", "multicast"),
    "reserved": pgettext_lazy("address kind", "reserved"),
}
REFUSALS = {
    "invalid_url": gettext_lazy("This is not a valid URL (%(error)s)."),
    "scheme": gettext_lazy("Webhook URLs must start with %(schemes)s."),
    "no_host": gettext_lazy("The URL names no host."),
    "credentials": gettext_lazy(
        "The URL may not carry a user name or password; the signature authenticates each request."
    ),
    "port": gettext_lazy("Port %(port)s is not allowed; use 443, 80 or 8443."),
    "forbidden_address": gettext_lazy(
        "%(host)s resolves to %(ip)s, a %(reason)s address; webhooks go only to public addresses."
    ),
    "unresolvable": gettext_lazy("%(host)s could not be resolved (%(error)s)."),
    "no_address": gettext_lazy("%(host)s has no address."),
}


def refusal_text(code: str, params: Mapping) -> str:
    """Why a URL may not be sent to (`params`: the refusal's data, as `addresses.Refused` carries it)."""
    values = dict(params)
    if "schemes" in values:
        values["schemes"] = _(" or ").join(f"{scheme}://" for scheme in values["schemes"])
    if "kind" in values:
        values["reason"] = ADDRESS_KINDS[values["kind"]]
    return str(REFUSALS[code]) % values


def attempt_error_text(code: str, detail: Mapping) -> str:
    """An attempt's failure without an answer: a refused address, or the network's reason (kept as it came)."""
    if "text" in detail:  # logged before the codes were: the English words as stored then
        return detail["text"]
    if code == AttemptError.REFUSED:
        return _("Refused: %(why)s") % {"why": refusal_text(detail["refusal"], detail.get("params", {}))}
    if code == AttemptError.NO_ANSWER:
        return _("No answer: %(error)s") % {"error": detail["error"]}
    return ""


def disabled_reason_text(code: str, detail: str) -> str:
    """Why an endpoint is off; `detail` is who switched it off, or the words they gave (kept as written)."""
    if code == DisabledWhy.FAILING:
        return _("Every delivery failed for days; fix the receiver, then enable it again.")
    if code == DisabledWhy.SWITCHED_OFF:
        return _("Disabled by %(who)s.") % {"who": detail}
    return detail
