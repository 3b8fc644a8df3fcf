"""What the deploy tests read through the live stack, made by them: experiments and grants of their own.

The demo stack is a user's: they may have created experiments, granted them, renamed or revoked
anything since ./run.sh loaded the demo. So a test that reads data through the proxy creates
what it asserts on, as the demo admin through the API (the way a client would), with a name of
its own, and removes it afterwards, whatever the test's outcome; it asserts on that data only
("the experiment I granted is in the list", "the one I did not grant is not"), never on the
exact demo content.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import requests

from tests.integration.deploy.deploy_stack import Stack

ADMIN_EMAIL = "aalcorn@home.cern"
SCIENTIST_EMAIL = "phigg@home.cern"
SCIENTIST_ID = "S001"
OTHER_SCIENTIST_EMAIL = "kbouman@home.cern"
OTHER_SCIENTIST_ID = "S002"
NAME_PREFIX = "deploy-test"
MADE: dict[int, str] = {}  # every experiment made in this session, by id: none may remain at the end


@dataclass(frozen=True)
class Experiment:
    experiment_id: int
    name: str


@dataclass
class DemoAdmin:
    """The demo admin's calls through the proxy, remembering what it made so that `clean_up` removes it."""

    stack: Stack
    token: str
    experiments: list[Experiment] = field(default_factory=list)
    grants: list[tuple[int, str]] = field(default_factory=list)

    def call(self, method: str, path: str, body: dict[str, str] | None = None) -> requests.Response:
        return requests.request(method, f"{self.stack.base_url}{path}", json=body,
                                headers={"Authorization": f"Bearer {self.token}"},
                                verify=str(self.stack.ca_file), timeout=10)

    def create_experiment(self, purpose: str) -> Experiment:
        name = f"{NAME_PREFIX}-{purpose}-{secrets.token_hex(5)}"
        answer = self.call("POST", "/experiments/", {"name": name})
        assert answer.status_code == 201, answer.text
        experiment = Experiment(answer.json()["experiment_id"], name)
        self.experiments.append(experiment)
        MADE[experiment.experiment_id] = name
        return experiment

    def grant(self, experiment: Experiment, user_id: str) -> None:
        answer = self.call("POST", f"/scientists-experiments/{experiment.experiment_id}/{user_id}")
        assert answer.status_code == 201, answer.text  # a new experiment: the grant cannot have existed
        self.grants.append((experiment.experiment_id, user_id))

    def experiment_names(self) -> dict[int, str]:
        answer = self.call("GET", "/experiments/")
        assert answer.status_code == 200, answer.text
        return {e["experiment_id"]: e["name"] for e in answer.json()}

    def granted_experiment_ids(self) -> set[int]:
        answer = self.call("GET", "/scientists-experiments/")
        assert answer.status_code == 200, answer.text
        return {int(experiment_id) for experiment_id in answer.json()}

    def clean_up(self) -> list[str]:
        """Revoke the grants and delete the experiments made (newest first); returns what failed."""
        problems = []
        for experiment_id, user_id in reversed(self.grants):
            answer = self.call("DELETE", f"/scientists-experiments/{experiment_id}/{user_id}")
            if answer.status_code not in (204, 404):
                problems.append(f"revoking {user_id} on {experiment_id}: {answer.status_code} {answer.text}")
        for experiment in reversed(self.experiments):
            answer = self.call("DELETE", f"/experiments/{experiment.experiment_id}")
            if answer.status_code not in (204, 404):
                problems.append(f"deleting {experiment.name}: {answer.status_code} {answer.text}")
        self.grants.clear()
        self.experiments.clear()
        return problems
