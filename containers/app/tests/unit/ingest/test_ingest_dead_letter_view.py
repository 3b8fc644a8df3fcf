"""What `mymonit dead-letters list` shows about one dead letter, read leniently from its body and headers."""

from __future__ import annotations

import orjson

from mymonit.ingest.dead_letter_admin import describe


def test_describes_reason_error_experiment_count_and_age() -> None:
    body = orjson.dumps([{"experiment": "black-holes", "value": 1}, {"experiment": "black-holes"}])
    headers = {"x-mymonit-reason": "unknown-experiment", "x-mymonit-error": "experiment 'black-holes' does not exist",
               "x-mymonit-dead-lettered-at": 1_000}

    letter = describe(body, headers, now=1_090.0)

    assert (letter.reason, letter.experiment, letter.measures, letter.age_seconds) == (
        "unknown-experiment", "black-holes", 2, 90.0)


def test_a_body_that_is_not_json_and_a_letter_the_broker_rejected_are_still_described() -> None:
    letter = describe(b"\xff\xfe", {}, now=0.0)

    assert (letter.reason, letter.experiment, letter.measures, letter.age_seconds) == (
        "rejected by the broker", "?", None, None)
