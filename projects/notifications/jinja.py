"""The Jinja2 environment of the e-mail templates, with Django's gettext installed for `{{ _("…") }}`.

The calls translate into the language active while a message renders (see language.written_for), so
the compiled templates serve every language.
"""

from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def environment(**options) -> Environment:
    # Always escaping (the HTML parts need it); the text parts turn it off themselves.
    options.pop("autoescape", None)
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    env = Environment(autoescape=True, extensions=extensions, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env
