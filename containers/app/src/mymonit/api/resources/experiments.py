"""/experiments/ and /scientists-experiments/."""

from __future__ import annotations

from flask import Response

from mymonit.api.operations import Api, Operation, note
from mymonit.api.responses import created, experiment_json, json_response, no_content
from mymonit.api.schemas import AssociationOut, ExperimentIn, ExperimentOut, ExperimentUsers
from mymonit.audit import AuditEvent
from mymonit.domain.model import Caller
from mymonit.services.experiments import ExperimentService

TAG = "experiments"


def register(api: Api, experiments: ExperimentService) -> None:
    bp = api.blueprint("experiments")

    @api.operation(bp, Operation("GET", "/experiments/", "List the experiments you may see", TAG,
                                 response=list[ExperimentOut],
                                 audit=AuditEvent.API_EXPERIMENTS_LISTED,
                                 description="ADMIN: all experiments. SCIENTIST: those associated with them."))
    def list_experiments(actor: Caller) -> Response:
        visible = experiments.visible_to(actor)
        note(count=len(visible))
        return json_response([experiment_json(e) for e in visible])

    @api.operation(bp, Operation("GET", "/experiments/{experiment_id}", "Read one experiment", TAG,
                                 response=ExperimentOut, audit=AuditEvent.API_EXPERIMENT_READ))
    def get_experiment(actor: Caller, experiment_id: int) -> Response:
        note(experiment_id=experiment_id)
        return json_response(experiment_json(experiments.get(actor, experiment_id)))

    @api.operation(bp, Operation("POST", "/experiments/", "Create an experiment (ADMIN)", TAG, admin_only=True,
                                 body=ExperimentIn, response=ExperimentOut, status=201,
                                 errors=(409,), audit=AuditEvent.API_EXPERIMENT_CREATED))
    def create_experiment(actor: Caller, body: ExperimentIn) -> Response:
        experiment = experiments.create(actor, body.name)
        note(experiment_id=experiment.experiment_id, experiment=experiment.name)
        return created(experiment_json(experiment), f"/experiments/{experiment.experiment_id}")

    @api.operation(bp, Operation("PUT", "/experiments/{experiment_id}", "Rename an experiment (ADMIN)", TAG,
                                 admin_only=True, body=ExperimentIn, response=ExperimentOut,
                                 errors=(409,), audit=AuditEvent.API_EXPERIMENT_RENAMED))
    def rename_experiment(actor: Caller, experiment_id: int, body: ExperimentIn) -> Response:
        before, after = experiments.rename(actor, experiment_id, body.name)
        note(experiment_id=experiment_id, before={"experiment": before.name}, after={"experiment": after.name})
        return json_response(experiment_json(after))

    @api.operation(bp, Operation("DELETE", "/experiments/{experiment_id}", "Delete an empty experiment (ADMIN)", TAG,
                                 admin_only=True, status=204, errors=(409,),
                                 audit=AuditEvent.API_EXPERIMENT_DELETED,
                                 description="Only an experiment that holds no measures (one created by mistake);"
                                 " its associations go with it. 409 when it holds measures."))
    def delete_experiment(actor: Caller, experiment_id: int) -> Response:
        deleted = experiments.delete(actor, experiment_id)
        note(experiment_id=experiment_id, before={"experiment": deleted.name})
        return no_content()

    assoc = "associations"

    @api.operation(bp, Operation("GET", "/scientists-experiments/", "List associations (ADMIN)", assoc, admin_only=True,
                                 response=dict[str, ExperimentUsers],
                                 audit=AuditEvent.API_ASSOCIATIONS_LISTED,
                                 description="Keyed by experiment id; every experiment appears, even with no users."))
    def list_associations(actor: Caller) -> Response:
        table = experiments.associations(actor)
        note(count=sum(len(users) for users in table.values()))
        return json_response({str(exp): {"users": users} for exp, users in table.items()})

    @api.operation(bp, Operation("POST", "/scientists-experiments/{experiment_id}/{user_id}",
                                 "Associate a scientist with an experiment (ADMIN)", assoc, admin_only=True, status=201,
                                 response=AssociationOut, errors=(422,), also=(200,),
                                 audit=AuditEvent.API_ASSOCIATION_GRANTED,
                                 description="201 when the association is new, 200 when it already existed."))
    def grant(actor: Caller, experiment_id: int, user_id: str) -> Response:
        new = experiments.grant(actor, experiment_id, user_id)
        note(experiment_id=experiment_id, target_user_id=user_id, new=new)
        body = {"experiment_id": experiment_id, "user_id": user_id}
        location = f"/scientists-experiments/{experiment_id}/{user_id}"
        return created(body, location) if new else json_response(body)

    @api.operation(bp, Operation("DELETE", "/scientists-experiments/{experiment_id}/{user_id}",
                                 "Revoke an association (ADMIN)", assoc, admin_only=True, status=204,
                                 audit=AuditEvent.API_ASSOCIATION_REVOKED))
    def revoke(actor: Caller, experiment_id: int, user_id: str) -> Response:
        experiments.revoke(actor, experiment_id, user_id)
        note(experiment_id=experiment_id, target_user_id=user_id)
        return no_content()
