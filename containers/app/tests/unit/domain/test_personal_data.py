"""Personal data never shows itself when formatted, only when the code asks for it."""

from __future__ import annotations

import logging

import pytest

from mymonit.domain.personal import REDACTED, Personal
from tests.unit.builders import a_scientist

SECRET = "Peter Higgs <phiggs@home.cern>"
WRAPPED = Personal(SECRET)


@pytest.mark.parametrize(
    "formatted",
    [
        pytest.param(str(WRAPPED), id="str"),
        pytest.param(repr(WRAPPED), id="repr"),
        pytest.param(format(WRAPPED), id="format"),
        pytest.param(format(WRAPPED, ">40"), id="format with a spec"),
        pytest.param(f"{WRAPPED}", id="f-string"),
        pytest.param(f"{WRAPPED!r}", id="f-string repr"),
        pytest.param(f"{WRAPPED!s:^50}", id="f-string str with a spec"),
        pytest.param(f"{WRAPPED=}", id="f-string debug"),
        pytest.param("%s %r" % (WRAPPED, WRAPPED), id="percent"),  # noqa: UP031  # the old style is what logging uses
        pytest.param("{} {!r}".format(WRAPPED, WRAPPED), id="str.format"),  # noqa: UP032  # tested on purpose
        pytest.param(str([WRAPPED, {"name": WRAPPED}]), id="inside containers"),
        pytest.param(repr(a_scientist("S001", name=SECRET, email="phiggs@home.cern")), id="inside a user"),
    ],
)
def test_a_personal_value_is_hidden_however_it_is_formatted(formatted: str) -> None:
    assert "Peter" not in formatted
    assert "phiggs" not in formatted
    assert REDACTED in formatted


def test_a_log_record_of_a_personal_value_shows_only_the_mask(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("test.personal").info("user %s with email %r", WRAPPED, WRAPPED)

    assert caplog.messages == ["user *** with email Personal(***)"]


def test_the_code_reveals_the_value_when_it_needs_it() -> None:
    assert WRAPPED.reveal() == SECRET
    assert Personal(None).reveal() is None


def test_personal_values_compare_and_hash_by_their_value() -> None:
    assert Personal("a") == Personal("a")
    assert Personal("a") != Personal("b")
    assert Personal("a") != "a"
    assert len({Personal("a"), Personal("a"), Personal("b")}) == 2


def test_a_personal_value_has_no_attribute_dictionary_to_leak_through() -> None:
    assert not hasattr(WRAPPED, "__dict__")
