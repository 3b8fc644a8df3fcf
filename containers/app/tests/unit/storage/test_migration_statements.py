"""The migration files split into statements the database can run one by one."""

from __future__ import annotations

import re

import pytest

from mymonit.storage.migrator import Migration, available_migrations

MIGRATIONS = available_migrations()


def by_name(name: str) -> Migration:
    return next(m for m in MIGRATIONS if m.name == name)


def test_the_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert {"schema", "measure_types"} <= {m.name for m in MIGRATIONS}


@pytest.mark.parametrize("migration", MIGRATIONS, ids=lambda m: f"{m.version:04d}_{m.name}")
def test_every_statement_is_non_empty_without_comments_or_terminator(migration: Migration) -> None:
    statements = migration.statements()

    assert statements
    for statement in statements:
        assert statement.strip() == statement
        assert statement
        assert not statement.endswith(";")
        assert not any(line.lstrip().startswith("--") for line in statement.splitlines())


def test_the_schema_creates_the_five_tables_of_the_design() -> None:
    statements = by_name("schema").statements()
    tables = [match[1] for s in statements if (match := re.match(r"CREATE TABLE (\w+)", s))]

    assert len(statements) == len(tables) == 5
    assert sorted(tables) == ["experiments", "measure_types", "measures", "user_experiments", "users"]


def test_a_semicolon_inside_a_line_does_not_split_a_statement() -> None:
    users = next(s for s in by_name("schema").statements() if s.startswith("CREATE TABLE users"))

    assert "COMMENT 'Firebase uid; NULL once erased'" in users
    assert users.endswith("COLLATE=utf8mb4_unicode_ci")


def test_the_measure_types_migration_inserts_the_29_si_units_once_each() -> None:
    statements = by_name("measure_types").statements()
    rows = re.findall(r"^\s*\('([^']+)', '([^']+)', '([^']+)'\)", statements[0], flags=re.M)
    names = [name for name, _, _ in rows]

    assert len(statements) == 1
    assert statements[0].startswith("INSERT INTO measure_types (name, symbol, quantity) VALUES")
    assert len(rows) == 29
    assert len(set(names)) == 29
    assert {"metre", "kilogram", "second", "hertz", "ohm", "degree-celsius", "katal"} <= set(names)


def test_statements_splits_a_hand_written_migration() -> None:
    sql = "-- a comment; with a semicolon;\nCREATE TABLE a (x INT);\n\n  -- indented comment\n" \
          "INSERT INTO a VALUES (1);  \n;\nINSERT INTO a\n  VALUES (2)"

    assert Migration(9, "example", sql).statements() == [
        "CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)", "INSERT INTO a\n  VALUES (2)"]
