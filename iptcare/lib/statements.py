"""A query the ORM builds once per process, then sent with each request's own values.

The requests every signed-in page makes (the person by id, the access check's patient
with its grounds) have the same shape every time; only a few values change. Building
and compiling them through the ORM cost 0.25–2 ms of CPU per request (decisions 0065,
0066). A ``Statement`` is the ORM's own SQL and its own way back to model instances
(converters, ``select_related`` populators, annotations), made once from a queryset
built with stand-in values; each use swaps the stand-ins for the real values, adapted
by the field they are compared with, as the ORM would have adapted them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    get_related_populators,
)

M = TypeVar("M", bound=Model)

# A list's pages whose statements are built once: the ORM writes a page's offset into
# its SQL, so each page is a statement of its own, and a reader asking for page after
# page must not evict the common ones (later pages are built by the ORM).
STATEMENT_PAGES = 10


@dataclass(frozen=True)
class StandIn:
    """A value the query is built with, to be replaced by a request's own: ``value``
    must be one no real row has, ``field`` the field it is compared with.

    A text may also stand inside a parameter the ORM made of it: a ``LIKE`` pattern
    (``icontains``: ``%text%``, escaped) or a case-blind comparison (``iexact``,
    escaped as a pattern on some databases, sent as typed on others). Every text
    stand-in must hold ``%``, ``_`` and a backslash (``TEXT_MARKS``; a statement is
    refused without them), so that the parameter shows which of the two the ORM did:
    the request's text is then put in its place the same way, escaped exactly when
    the stand-in was."""

    value: Any
    field: Field[Any, Any]


# What a text stand-in holds, so that a parameter escaped for ``LIKE`` differs from
# one sent as typed (see ``StandIn``).
TEXT_MARKS = "%_\\"


class _Compiled:
    """The ORM's SQL for a queryset built with stand-in values, and where each
    stand-in sits among its parameters."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        stand_ins: Mapping[str, StandIn],
        alias: str,
    ) -> None:
        connection = connections[alias]
        unmarked = [
            name
            for name, s in stand_ins.items()
            if isinstance(s.value, str) and not all(m in s.value for m in TEXT_MARKS)
        ]
        if unmarked:
            # Escaped for a pattern, a text without the marks reads as itself: its
            # place could not be told from a value sent as typed (``StandIn``).
            raise ValueError(f"the text stand-ins {unmarked} lack {TEXT_MARKS!r}")
        queryset = build(**{name: s.value for name, s in stand_ins.items()})
        self.alias = alias
        self.compiler = queryset.query.get_compiler(alias)
        self.sql, built = self.compiler.as_sql()
        adapted = {
            name: s.field.get_db_prep_value(s.value, connection, prepared=False)
            for name, s in stand_ins.items()
        }
        # Which of the compiled parameters stands for which value; the rest are the
        # query's own constants.
        self.params: list[Any] = list(built)
        self.slots: list[tuple[int, str]] = [
            (position, name)
            for position, param in enumerate(built)
            for name, value in adapted.items()
            if type(param) is type(value) and param == value
        ]
        # Parameters the ORM made of a text: the text inside a pattern, escaped or
        # not (``StandIn``); each is rebuilt around the request's own text.
        like = connection.ops.prep_for_like_query
        self.texts: list[tuple[int, str, str, bool]] = []
        for position, param in enumerate(built):
            if not isinstance(param, str) or any(p == position for p, _ in self.slots):
                continue
            for name, value in adapted.items():
                if not (isinstance(value, str) and all(m in value for m in TEXT_MARKS)):
                    continue
                if like(value) in param:
                    self.texts.append((position, name, param, True))
                elif value in param:
                    self.texts.append((position, name, param, False))
        missing = (
            set(stand_ins)
            - {name for _, name in self.slots}
            - {name for _, name, _, _ in self.texts}
        )
        if missing:
            raise ValueError(f"the stand-ins {sorted(missing)} are not in the query")
        self.fields = {name: s.field for name, s in stand_ins.items()}
        self.stand_ins = adapted
        # The database's converters by column (SQLite returns UUIDs, times and
        # booleans as it stores them), applied as the ORM applies them.
        selected = [column[0] for column in self.compiler.select]
        self.converters = self.compiler.get_converters(selected)

    def bound(self, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and its parameters for these values (for a caller that sends the
        statement inside a larger one)."""
        return self.sql, self._params(values)

    def _params(self, values: Mapping[str, Any]) -> list[Any]:
        connection = connections[self.alias]
        params = list(self.params)
        for position, name in self.slots:  # values not named are not in the query
            params[position] = self.fields[name].get_db_prep_value(
                values[name], connection, prepared=False
            )
        if self.texts:
            like = connection.ops.prep_for_like_query
            for position, name, pattern, escaped in self.texts:
                stand_in = self.stand_ins[name]
                text = self.fields[name].get_db_prep_value(
                    values[name], connection, prepared=False
                )
                params[position] = (
                    pattern.replace(like(stand_in), like(text))
                    if escaped
                    else pattern.replace(stand_in, text)
                )
        return params

    def _converted(self, row: tuple[Any, ...]) -> list[Any]:
        converted = list(row)
        if self.converters:
            connection = connections[self.alias]
            for position, (functions, expression) in self.converters.items():
                for function in functions:
                    converted[position] = function(
                        converted[position], expression, connection
                    )
        return converted


class Statement(_Compiled, Generic[M]):
    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
        stand_ins: Mapping[str, StandIn],
        alias: str,
    ) -> None:
        super().__init__(build, stand_ins, alias)
        klass_info = self.compiler.klass_info
        if klass_info is None:
            raise ValueError("a statement reads model rows, not values")
        self.model: type[M] = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        self.model_columns = slice(first, last + 1)
        self.attnames = [
            column[0].target.attname
            for column in self.compiler.select[first : last + 1]
        ]
        self.related = get_related_populators(klass_info, self.compiler.select, alias)
        self.annotations = dict(self.compiler.annotation_col_map or {})

    def first(self, **values: Any) -> M | None:
        """The first row for these values, as the queryset's ``first()`` returns it."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            found = cursor.fetchone()
        return None if found is None else self._model(found)

    def all(self, **values: Any) -> list[M]:
        """Every row for these values, as iterating the queryset gives them."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            found = cursor.fetchall()
        return [self._model(row) for row in found]

    def _model(self, found: tuple[Any, ...]) -> M:
        row = self._converted(found)
        model = self.model.from_db(self.alias, self.attnames, row[self.model_columns])
        for populator in self.related:
            populator.populate(row, model)
        for name, position in self.annotations.items():
            setattr(model, name, row[position])
        return model


class ValuesStatement(_Compiled):
    """A ``values_list()`` query built once: each use sends its own values and gets
    every row."""

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """Every row for these values, as the ``values_list`` query gives them."""
        found = self.as_sent(**values)
        if not self.converters:
            return [tuple(row) for row in found]
        return [tuple(self._converted(row)) for row in found]

    def as_sent(self, **values: Any) -> list[tuple[Any, ...]]:
        """The rows as the database sends them, unconverted: for integer columns,
        which both engines send as ``int`` already (the ORM's ``int()`` on each value
        of thousands of rows costs more than the query)."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
