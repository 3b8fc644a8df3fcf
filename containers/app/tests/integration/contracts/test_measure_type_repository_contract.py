"""MeasureTypeRepository (services/ports.py): the fake and MySqlMeasureTypeRepository keep the same contract.

The fake's store holds a few of the types migration 0002 seeds, out of order; the database all 29.
"""

from __future__ import annotations

from tests.integration.contracts.contract_world import Storage
from tests.unit.builders import HERTZ, NEWTON


def test_measure_types_are_listed_in_id_order_with_their_names_symbols_and_quantities(storage: Storage) -> None:
    types = storage.measure_types.all()

    assert [t.type_id for t in types] == sorted({t.type_id for t in types})
    assert len({t.name for t in types}) == len(types)
    assert {HERTZ, NEWTON} <= set(types)


def test_the_list_handed_out_is_the_callers_own(storage: Storage) -> None:
    first = storage.measure_types.all()
    first.clear()

    assert HERTZ in storage.measure_types.all()
