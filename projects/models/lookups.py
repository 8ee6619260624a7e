"""`field__among=values`: one array parameter however many the values, for the batches that read hundreds."""

from django.db.models import Field, ForeignObject, Lookup


class Among(Lookup):
    """`field = ANY(array)`: PostgreSQL finds the values through an index on the field, as for `IN`.

    The values travel as one array (or come from a subquery read as one, `ArraySubquery`): `__in` writes a
    placeholder per value, which Django and psycopg build and parse again on every query (a digest batch's
    thousand agreements cost 2–3 ms a query that way).
    """

    lookup_name = "among"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


# Foreign keys take only the lookups registered on them, not those of every field.
Field.register_lookup(Among)
ForeignObject.register_lookup(Among)
