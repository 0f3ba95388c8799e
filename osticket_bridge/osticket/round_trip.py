"""Several small SELECTs of different shapes read as one statement: a write's lookups cost one round trip."""

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import cast, literal, literal_column, null, type_coerce, union_all


@dataclass(frozen=True)
class Piggyback:
    """A caller's own SELECT carried by a write's first read (one round trip for both): ``build(db)`` makes it
    (bind parameters only, given in ``params``), and ``check(rows)`` sees its rows before the write goes on."""

    name: str
    build: Callable
    params: dict
    check: Callable


@dataclass(frozen=True)
class Reads:
    """The UNION ALL of several SELECTs, and where each one's columns are in its rows."""

    statement: object
    parts: tuple  # (name, column keys, itemgetter of their values in a row) in the order of the UNION


def union(parts):
    """Reads of ``parts`` ({name: Select}); build it once per shape (db.statement) and bind what changes.

    A column of one part shares its place with a column of another part only when both have the very same SQL type
    (NULL where a part has nothing there), so every value keeps its type and its Python conversion, and the rows
    stay as narrow as the widest part allows (each NULL costs the driver a parse); a first column says which part
    a row belongs to. A part's ORDER BY does not survive the UNION: its rows come back in no particular order.
    """
    shapes = {name: list(select.selected_columns) for name, select in parts.items()}
    places, kinds, layout = {}, [], []  # {part: [place of each column]}, [(type, a column of that type)]
    for name, shape in shapes.items():
        taken = places[name] = []
        for column in shape:
            kind = repr(column.type)
            place = next((i for i, (k, _) in enumerate(kinds) if k == kind and i not in taken), None)
            if place is None:
                place = len(kinds)
                kinds.append((kind, column))
            taken.append(place)
    branches = []
    for index, (name, shape) in enumerate(shapes.items()):
        own = dict(zip(places[name], shape, strict=True))
        columns = [literal(index), *(own.get(i, _null_of(column)) for i, (_, column) in enumerate(kinds))]
        labelled = [column.label(f"c{n}") for n, column in enumerate(columns)]
        branches.append(parts[name].order_by(None).with_only_columns(*labelled, maintain_column_froms=True))
        values = itemgetter(*(place + 1 for place in places[name]), 0)  # the part's own, and one more: a tuple
        layout.append((name, tuple(column.key for column in shape), values))
    return Reads(union_all(*branches), tuple(layout))


def read(conn, reads, params):
    """{name: [row dict]} of each part of ``reads``, with ``params`` bound."""
    found = {name: [] for name, _, _ in reads.parts}
    for row in conn.execute(reads.statement, params):
        name, keys, values = reads.parts[row[0]]
        found[name].append(dict(zip(keys, values(row), strict=False)))  # values has one more: see union
    return found


def _null_of(column):
    """NULL in the column's place: MySQL makes a column of NULL and INT UNSIGNED a DECIMAL, of two UNSIGNED an
    integer again."""
    if getattr(column.type, "unsigned", False):
        return cast(null(), column.type)
    return type_coerce(null(), column.type)


def in_constants(column, values):
    """``column IN (...)`` of constant texts written into the SQL: a list bound as parameters (what ``in_`` makes of
    it) is expanded anew on every execution of a statement otherwise built once."""
    if not all(value.isalnum() for value in values):  # constants of the code, never input: no quoting needed
        raise ValueError(f"not a plain constant: {values!r}")
    return column.in_([literal_column(f"'{value}'") for value in values])
