"""Reading an admin form page back into the data a browser would post."""


def posted_as_shown(response, **changes) -> dict:
    """The data the page posts when submitted as shown (the record's form and every inline), with `changes`."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return {**data, **changes}
