"""The e-mail preferences page reached from every e-mail (no login: the signed token authorises it) and the
staff digest preview."""

from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from projects.actors import Actor
from projects.notifications.digest_email import digest_message
from projects.notifications.digests import build_digests
from projects.notifications.forms import PreferencesForm
from projects.notifications.models import DigestFrequency, Recipient
from projects.notifications.services import set_preferences
from projects.notifications.services import unsubscribe as unsubscribe_recipient
from projects.notifications.unsubscribe import read_unsubscribe_token

TOPIC_NAMES = {"reminders": _("milestone reminders"), "digest": _("the status digest")}


# Mail clients send RFC 8058 one-click POSTs without a CSRF token; the signature is what authorises.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation and offers every preference (link scanners fetch links and must not
    unsubscribe anyone); a bare POST, the button or a mail client's one-click, turns the link's topic off.
    """
    try:
        recipient_id, topic = read_unsubscribe_token(token)
        recipient = Recipient.objects.select_related("user", "contact").get(pk=recipient_id)
    except signing.SignatureExpired:
        days = settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS
        return render(request, "notifications/unsubscribe_expired.html", {"days": days}, status=410)
    except (signing.BadSignature, Recipient.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if recipient.language:
        # The page answers an e-mail: it speaks the language that e-mail was written in.
        translation.activate(recipient.language)
        request.LANGUAGE_CODE = recipient.language
    context = {"recipient": recipient, "topic": TOPIC_NAMES[topic]}
    if request.method == "POST" and "digest_frequency" in request.POST:
        form = PreferencesForm(request.POST)
        if form.is_valid():
            set_preferences(actor=Actor.system(), recipient_id=recipient.pk, **form.cleaned_data)
            return render(request, "notifications/preferences_saved.html", {**context, **form.cleaned_data})
        return render(request, "notifications/unsubscribe.html", {**context, "form": form}, status=400)
    if request.method == "POST":
        unsubscribe_recipient(recipient_id=recipient.pk, topic=topic)
        return render(request, "notifications/unsubscribed.html", context)
    form = PreferencesForm(
        initial={
            "digest_frequency": recipient.digest_frequency,
            "reminders_enabled": recipient.reminders_enabled,
            "language": recipient.language or settings.LANGUAGE_CODE,
        }
    )
    return render(request, "notifications/unsubscribe.html", {**context, "form": form})


@staff_member_required
@csp_update({"style-src": ["'unsafe-inline'"]})  # the e-mail's own inline styles, as mail clients need them
def digest_preview(request: HttpRequest, recipient_id: int) -> HttpResponse:
    """The digest this recipient would get now (HTML, or the text part with ?format=text); sends nothing."""
    recipient = get_object_or_404(Recipient.objects.select_related("user", "contact"), pk=recipient_id)
    frequency = request.GET.get("frequency", recipient.digest_frequency)
    if frequency not in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
        frequency = DigestFrequency.WEEKLY
    [digest] = build_digests([(recipient, frequency)])
    if digest.is_empty:
        return render(request, "notifications/digest_empty.html", {"recipient": recipient, "digest": digest})
    message = digest_message(digest)
    if request.GET.get("format") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    html, _ = message.alternatives[0]
    return HttpResponse(html)
