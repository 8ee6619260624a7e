"""`field__among=values`: one array parameter however many the values, for the batches that read hundreds."""

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class Among(In):
    """`IN`, written for PostgreSQL as `field = ANY(array)`: it finds the values through an index on the field
    as for `IN`, but they travel as one array parameter, and a subquery's rows are read into one first.

    `__in` writes a placeholder per value, which Django and psycopg build and parse again on every query
    (a digest batch's thousand agreements cost 2–3 ms a query that way). As `IN (subquery)`, PostgreSQL
    may join every row with its related rows before narrowing them down (the history reader's latest
    versions: 100 ms instead of 1.4). Other databases (SQLite under `make run`) get the plain `IN`.
    """

    lookup_name = "among"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


# Foreign keys take only the lookups registered on them, not those of every field.
Field.register_lookup(Among)
ForeignObject.register_lookup(Among)
