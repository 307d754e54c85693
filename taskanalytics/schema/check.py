"""Looking labels up, renaming to Chinese, and validating a frame against its table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from taskanalytics.errors import ColumnProblem, SchemaError
from taskanalytics.schema.model import KINDS, TableSchema
from taskanalytics.schema.tables import TABLES

# --------------------------------------------------------------------------- lookups


def table_schema(table: str | TableSchema) -> TableSchema:
    """Return the schema of a table given by name (full or unambiguous short) or itself.

    Parameters
    ----------
    table
        ``"plan.tasks"``, ``"tasks"``, ``"assessment.by_unit"``, ``"by_unit"`` … or a
        :class:`TableSchema`.

    Returns
    -------
    TableSchema

    Raises
    ------
    KeyError
        For an unknown or ambiguous name (``"milestones"``), listing the names accepted.

    Examples
    --------
    >>> table_schema("watchlist").title
    '督办清单'
    """
    if isinstance(table, TableSchema):
        return table
    if table in TABLES:
        return TABLES[table]
    short = [t for name, t in TABLES.items() if name.rsplit(".", 1)[-1] == table]
    if len(short) == 1:
        return short[0]
    if short:
        raise KeyError(
            f"table name {table!r} is ambiguous; say one of {', '.join(t.name for t in short)}"
        )
    raise KeyError(f"no table {table!r}; accepted: {', '.join(TABLES)}")


def labels(table: str | TableSchema, columns: Iterable[str] | None = None) -> dict[str, str]:
    """Return column name -> Chinese label for a table, in order.

    Parameters
    ----------
    table
        A table name or schema (see :func:`table_schema`).
    columns
        Only these columns, in this order (members of a family such as ``actual_2``
        included); default every declared column (a family keyed ``actual_{n}``).

    Returns
    -------
    dict of str to str

    Raises
    ------
    KeyError
        If the table is unknown or a column is not in it.

    Examples
    --------
    >>> labels("by_unit", ["unit", "light", "on_time_rate"])
    {'unit': '牵头单位', 'light': '灯色', 'on_time_rate': '按期完成率'}
    """
    schema = table_schema(table)
    if columns is None:
        return {c.name: c.label for c in schema.columns}
    return {name: schema.column(name).label_of(name) for name in columns}


def label(name: str, table: str | TableSchema | None = None) -> str:
    """Return the Chinese label of a column.

    Parameters
    ----------
    name
        The English column name (``lead_units``, ``actual_3``).
    table
        The table it belongs to. Without one, the first table of :data:`TABLES` (plan tables
        first) that has the column gives the label.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If no table (or not the given one) has the column.

    Examples
    --------
    >>> label("days_overdue")
    '逾期天数'
    """
    if table is not None:
        return table_schema(table).column(name).label_of(name)
    for schema in TABLES.values():
        try:
            return schema.column(name).label_of(name)
        except KeyError:
            continue
    raise KeyError(f"no contract table has a column {name!r}")


def rename_to_chinese(frame: pd.DataFrame, table: str | TableSchema) -> pd.DataFrame:
    """Return a copy of ``frame`` with its contract columns renamed to their Chinese labels.

    Columns the table does not declare keep their names. The input is not modified.

    Parameters
    ----------
    frame
        A frame of the table (any subset of its columns, in any order).
    table
        A table name or schema.

    Returns
    -------
    pandas.DataFrame
        A new frame.

    Examples
    --------
    >>> df = pd.DataFrame({"task_id": ["T001"], "deadline": [pd.Timestamp("2023-12-31")]})
    >>> list(rename_to_chinese(df, "tasks").columns)
    ['任务编号', '完成时限']
    """
    schema = table_schema(table)
    mapping = {}
    for name in frame.columns:
        try:
            mapping[name] = schema.column(str(name)).label_of(str(name))
        except KeyError:
            continue
    return frame.rename(columns=mapping)


# --------------------------------------------------------------------------- validation


def _kind_problem(series: pd.Series, kind: str) -> str | None:
    """What is wrong with ``series`` for ``kind`` (None when it fits)."""
    dtype = series.dtype
    is_object = pd.api.types.is_object_dtype(dtype)
    values = series[series.notna()] if is_object else series
    if kind == "string":
        if isinstance(dtype, pd.StringDtype) or (
            is_object and all(isinstance(v, str) for v in values)
        ):
            return None
    elif kind == "int":
        if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            return None
    elif kind == "float":
        if pd.api.types.is_float_dtype(dtype):
            return None
    elif kind == "bool":
        if pd.api.types.is_bool_dtype(dtype):
            return None
    elif kind == "date":
        if pd.api.types.is_datetime64_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype):
            return None
    elif kind == "datetime":
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return None
    elif kind == "category":
        if isinstance(dtype, pd.CategoricalDtype):
            return None
    elif kind == "list[str]":
        if is_object:
            bad = next(
                (v for v in values if not (isinstance(v, list) and all(isinstance(x, str) for x in v))),
                None,
            )  # fmt: skip
            if bad is None:
                return None
            return f"dtype object holding {type(bad).__name__} {bad!r:.40}"
    elif kind == "dict[str, str]":
        if is_object:
            bad = next(
                (v for v in values if not (isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()))),
                None,
            )  # fmt: skip
            if bad is None:
                return None
            return f"dtype object holding {type(bad).__name__} {bad!r:.40}"
    if is_object:
        kinds = sorted({type(v).__name__ for v in values})
        return f"dtype object holding {', '.join(kinds)}"
    return f"dtype {dtype}"


def validate(
    frame: pd.DataFrame,
    table: str | TableSchema,
    *,
    ordered: bool = True,
    extra: bool = True,
) -> pd.DataFrame:
    """Check a frame against its table's schema; return it unchanged, or raise listing every
    problem.

    Checks that every declared column is present (a family such as ``actual_{n}`` may have no
    member), in the declared order (``ordered``), of its dtype kind, without missing values
    where not nullable, that the key columns identify rows, and (``extra=False``) that no
    other column is there.

    Parameters
    ----------
    frame
        The frame to check; not modified.
    table
        A table name or schema (see :func:`table_schema`).
    ordered
        Check that the declared columns come in the declared order (other columns may sit
        between them).
    extra
        Allow columns the table does not declare.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, so ``plan.tasks.pipe(validate, "tasks")`` chains.

    Raises
    ------
    taskanalytics.errors.SchemaError
        With ``problems``: one :class:`~taskanalytics.errors.ColumnProblem` (column, found,
        expected) per problem.

    Examples
    --------
    >>> validate(pd.DataFrame({"task_id": ["T001"]}), "owners")  # doctest: +SKIP
    SchemaError: table plan.owners: 2 problem(s)
      - column role: found missing, expected a column of kind string
      ...
    """
    schema = table_schema(table)
    problems: list[ColumnProblem] = []
    present: list[tuple[int, str]] = []  # (declared position, column name) in frame order
    for name in frame.columns:
        try:
            col = schema.column(str(name))
        except KeyError:
            if not extra:
                problems.append(ColumnProblem(str(name), "a column", "no such column"))
            continue
        present.append((schema.columns.index(col), str(name)))
        series = frame[name]
        if isinstance(series, pd.DataFrame):
            problems.append(ColumnProblem(str(name), f"{series.shape[1]} columns", "one"))
            continue
        found = _kind_problem(series, col.kind)
        if found is not None:
            problems.append(ColumnProblem(str(name), found, f"kind {col.kind} ({KINDS[col.kind]})"))
        if not col.nullable:
            n_missing = int(series.isna().sum())
            if n_missing:
                rows = list(series.index[series.isna()][:5])
                problems.append(
                    ColumnProblem(
                        str(name),
                        f"{n_missing} missing value(s), rows {rows}",
                        "no missing values",
                    )
                )
    have = {n for _, n in present}
    for col in schema.columns:
        if not col.is_family and col.name not in have:
            problems.append(ColumnProblem(col.name, "missing", f"a column of kind {col.kind}"))
    if ordered:
        for (p0, n0), (p1, n1) in zip(present, present[1:], strict=False):
            if p1 < p0:
                problems.append(
                    ColumnProblem(n1, f"before {n0}", f"the order {', '.join(schema.names)}")
                )
    key = [k for k in schema.key if k in frame.columns]
    if key and len(key) == len(schema.key) and len(frame):
        dup = frame.duplicated(key, keep=False)
        if dup.any():
            first = frame.loc[dup, key].head(3).to_dict("records")
            problems.append(
                ColumnProblem(
                    ", ".join(key),
                    f"{int(dup.sum())} rows sharing a key, e.g. {first}",
                    "unique keys",
                )
            )
    if problems:
        raise SchemaError(schema.name, problems)
    return frame


def _check_labels_unique(tables: Mapping[str, TableSchema]) -> None:
    for schema in tables.values():
        seen: dict[str, str] = {}
        for col in schema.columns:
            if col.label in seen:
                raise ValueError(
                    f"table {schema.name}: {col.name} and {seen[col.label]} share label "
                    f"{col.label!r}"
                )
            seen[col.label] = col.name


_check_labels_unique(TABLES)
