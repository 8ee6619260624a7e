"""Factories for contacts and preferences, beside the shared domain factories."""

import factory

from projects.notifications.models import Contact, Recipient
from tests.factories import OrganizationFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")
    recipient = factory.RelatedFactory("tests.notifications.factories.RecipientFactory", factory_related_name="contact")


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    user = None
    contact = None
