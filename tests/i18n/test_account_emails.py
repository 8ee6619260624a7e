"""Password reset e-mails speak the account holder's language, whichever language the form was filled in."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from projects.notifications.models import Recipient
from tests.factories import UserFactory


def test_the_reset_email_follows_the_account_holders_language(db):
    olena = UserFactory(username="olena", email="olena@mod.example")
    Recipient.objects.create(user=olena, language="uk")
    UserFactory(username="james", email="james@mod.example")
    english_browser = Client(headers={"accept-language": "en-GB"})

    for address in ["olena@mod.example", "james@mod.example"]:
        english_browser.post(reverse("password_reset"), {"email": address})

    ukrainian, english = mail.outbox
    assert ukrainian.subject == "Оберіть новий пароль до системи обліку спільного виробництва"
    assert "Надійшов запит на відновлення пароля облікового запису «olena»" in ukrainian.body
    assert "Якщо запит надіслали не ви, не зважайте на цей лист" in ukrainian.body
    assert english.subject == "Choose a new password for the co-production tracker"
    assert 'Someone asked to reset the password of the account "james"' in english.body
