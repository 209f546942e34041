"""Queries of a fixed shape, compiled to SQL once per process and run with new values.

On this site turning a queryset into SQL (the columns of every joined model, the joins, the
order) costs Django more CPU than the database spends answering it: routing a procedure page
spent four fifths of its time compiling one `get()` with its doctor and hero image joined.
The pages' queries always have the same shape; only an id or the date changes. A
`PreparedQuery` compiles its queryset once, with stand-in values for those, then runs the
same SQL with the real ones and builds the objects as the queryset itself would
(`Model.from_db`, then its `select_related` rows). It keeps no rows, only SQL that depends
on nothing but the code, so no content change has anything to invalidate here.
"""

import datetime as dt
import functools
import threading

from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins for the values a query takes, in place while it is compiled: unlike any id or
# day the site uses, so each one's place among the compiled parameters is unmistakable.
ANY_ID = -918_273_645
ANY_DAY = dt.date(1, 2, 3)


class PreparedQuery:
    """`build(*values)` makes the queryset; it is called once, with `stand_ins` (`ANY_ID`,
    `ANY_DAY`) for the values, and `query(*values)` then returns what `list(build(*values))`
    would, without compiling again. Only plain model querysets (with `select_related`,
    `only`/`defer`, filters, order and slices) can be prepared: prefetches and annotations
    are refused when compiling."""

    def __init__(self, build, *stand_ins):
        self.build, self.stand_ins = build, stand_ins
        self._lock = threading.Lock()
        self._compiled = None

    def __call__(self, *values) -> list:
        compiled = self._compiled or self._compile()
        params = [
            value if position is None else convert(values[position])
            for value, (position, convert) in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[compiled.db].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.objects(rows)

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                self._compiled = _CompiledQuery(self.build(*self.stand_ins), self.stand_ins)
        return self._compiled


class _CompiledQuery:
    """What Django's `ModelIterable` works out from a compiled query before its first row."""

    def __init__(self, queryset, stand_ins):
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or queryset._fetch_mode.track_peers
        ):
            raise ValueError("Only plain model querysets can be prepared.")
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, self.params = compiler.as_sql()
        if compiler.annotation_col_map or compiler.has_extra_select:
            raise ValueError("Annotations and extra columns cannot be prepared.")
        self.slots = [_slot(param, stand_ins) for param in self.params]
        missing = set(range(len(stand_ins))) - {position for position, _ in self.slots}
        if missing:
            raise ValueError(f"The compiled query does not take stand-ins {sorted(missing)}.")

        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.model_columns = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.model_columns]]
        self.from_db = functools.partial(
            klass_info["model"].from_db, fetch_mode=queryset._fetch_mode
        )
        self.related_populators = get_related_populators(
            klass_info, select, self.db, queryset._fetch_mode
        )
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in select])

    def objects(self, rows) -> list:
        """As `ModelIterable` makes them: the model's own columns, then each joined row."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        found = []
        for row in rows:
            obj = self.from_db(self.db, self.init_list, row[self.model_columns])
            for populator in self.related_populators:
                populator.populate(row, obj)
            found.append(obj)
        return found


def _slot(param, stand_ins):
    """(which value goes in this parameter, how it is written), or (None, None) for a
    parameter of the query's own (a constant such as `is_published=True`). A database that
    takes dates as text (SQLite) has the stand-in written as text."""
    for position, stand_in in enumerate(stand_ins):
        if type(param) is type(stand_in) and param == stand_in:
            return position, _same
        if isinstance(param, str) and param == str(stand_in):
            return position, str
    return None, None


def _same(value):
    return value
