"""Several small SELECTs of different shapes read as one statement: a write's lookups cost one round trip."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import cast, literal, null, type_coerce, union_all


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
    parts: tuple  # (name, column keys, first column) in the order of the UNION


def union(parts):
    """Reads of ``parts`` ({name: Select}); build it once per shape (db.statement) and bind what changes.

    Each part has columns of its own (NULL in the other parts' rows), so every value keeps its SQL type and its
    Python conversion; a first column says which part a row belongs to. A part's ORDER BY does not survive the
    UNION: its rows come back in no particular order.
    """
    shapes = {name: list(select.selected_columns) for name, select in parts.items()}
    padding = [_null_of(column) for shape in shapes.values() for column in shape]
    branches, layout, start = [], [], 1
    for index, (name, shape) in enumerate(shapes.items()):
        end = start + len(shape)
        columns = [literal(index), *padding[: start - 1], *shape, *padding[end - 1 :]]
        labelled = [column.label(f"c{n}") for n, column in enumerate(columns)]
        branches.append(parts[name].order_by(None).with_only_columns(*labelled, maintain_column_froms=True))
        layout.append((name, tuple(column.key for column in shape), start))
        start = end
    return Reads(union_all(*branches), tuple(layout))


def read(conn, reads, params):
    """{name: [row dict]} of each part of ``reads``, with ``params`` bound."""
    found = {name: [] for name, _, _ in reads.parts}
    for row in conn.execute(reads.statement, params):
        name, keys, start = reads.parts[row[0]]
        found[name].append(dict(zip(keys, row[start : start + len(keys)], strict=True)))
    return found


def _null_of(column):
    """NULL in the column's place: MySQL makes a column of NULL and INT UNSIGNED a DECIMAL, of two UNSIGNED an
    integer again."""
    if getattr(column.type, "unsigned", False):
        return cast(null(), column.type)
    return type_coerce(null(), column.type)
