"""/alerts/ over the fakes: the caller's alerts, chosen by state and paged; an alert's history."""

from __future__ import annotations

from flask.testing import FlaskClient

from mymonit.domain.alert_states import AlertState
from tests.unit.builders import an_alert, bearer
from tests.unit.fakes import InMemoryStore

SCIENTIST = bearer("S001")  # associated with experiment 1, which holds alert 1
OUTSIDER = bearer("S002")  # associated with experiment 2
ADMIN = bearer("A001")


def test_a_scientist_lists_the_alerts_of_their_experiments(client: FlaskClient, store: InMemoryStore) -> None:
    store.alerts[2] = an_alert(2, experiment_id=2)

    body = client.get("/alerts/", headers=SCIENTIST).get_json()

    assert [a["alert_id"] for a in body] == [1]
    assert body[0] == {"alert_id": 1, "rule_id": 1, "rule": "too-hot", "experiment_id": 1, "severity": "warning",
                       "measure": "hertz", "series_id": 101, "sensor": "north", "tags": {"site": "a"},
                       "state": "firing", "since": "2022-04-06T07:01:00.000000Z",
                       "fired_at": "2022-04-06T07:01:00.000000Z", "value": 95.0,
                       "value_at": "2022-04-06T07:01:30.000000Z"}


def test_state_chooses_and_a_full_page_links_to_the_next(client: FlaskClient, store: InMemoryStore) -> None:
    store.alerts |= {i: an_alert(i, state=AlertState.NORMAL if i % 2 else AlertState.FIRING) for i in range(2, 8)}

    first = client.get("/alerts/?state=firing&limit=2", headers=SCIENTIST)
    assert [a["alert_id"] for a in first.get_json()] == [1, 2]
    assert first.headers["Link"] == '</alerts/?state=firing&limit=2&after=2>; rel="next"'
    second = client.get("/alerts/?state=firing&limit=2&after=2", headers=SCIENTIST)
    assert [a["alert_id"] for a in second.get_json()] == [4, 6]


def test_an_admin_reads_no_alerts_and_a_scientist_no_others(client: FlaskClient) -> None:
    assert client.get("/alerts/", headers=ADMIN).status_code == 403
    assert client.get("/alerts/?experiment_id=1", headers=OUTSIDER).status_code == 403
    assert client.get("/alerts/?state=burning", headers=SCIENTIST).status_code == 400


def test_the_history_is_newest_first_and_another_experiments_alert_is_not_found(client: FlaskClient) -> None:
    body = client.get("/alerts/1/history", headers=SCIENTIST).get_json()

    assert body["alert"]["alert_id"] == 1
    assert [(t["previous"], t["state"]) for t in body["transitions"]] == [("pending", "firing"), ("normal", "pending")]
    older = client.get("/alerts/1/history?before=2", headers=SCIENTIST).get_json()
    assert [t["history_id"] for t in older["transitions"]] == [1]
    assert client.get("/alerts/1/history", headers=OUTSIDER).status_code == 404
    assert client.get("/alerts/99/history", headers=SCIENTIST).status_code == 404


def test_metrics_count_the_firing_alerts_by_experiment_and_severity(client: FlaskClient) -> None:
    body = client.get("/metrics").get_data(as_text=True)

    assert 'mymonit_alerts_firing{experiment_id="1",severity="warning"} 1.0' in body
