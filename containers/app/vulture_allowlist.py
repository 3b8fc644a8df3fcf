"""What the dead-code check (vulture, in ./run-checks.sh) cannot see being used.

Vulture matches names: a function that a decorator registers, a field that pydantic reads, an
attribute that a library reads back, looks unused to it. Each entry below names such a thing and
says who uses it. Nothing imports this file; vulture reads it with src/ and tests/ ([tool.vulture]
in pyproject.toml). Code that is really dead gets deleted, not listed here.
"""

from __future__ import annotations


class _Used:
    """Stands for any object: `_.name` tells vulture that `name` is used."""

    def __getattr__(self, name: str) -> _Used:
        return self


_ = _Used()

# Click commands: the decorator registers them on their group; the command line runs them by name.
_.publish_stdin  # mymonit publish stdin (producers/publish_commands.py)
_.publish_csv  # mymonit publish csv
_.publish_synthetic  # mymonit publish synthetic
_.list_dead_letters  # mymonit dead-letters list (ingest/dead_letter_commands.py)
_.replay_dead_letters  # mymonit dead-letters replay
_.ship_audit  # mymonit ship-audit (cli.py)
_.rollups  # mymonit rollups (cli.py)
_.demo  # mymonit db demo
_.seed_demo  # mymonit auth seed-demo
_.obj  # cli.main sets ctx.obj; click hands it to the commands marked @click.pass_obj

# Flask: views and hooks are registered by their decorator (@bp.get, @api.operation, @app.before_request...).
_.list_experiments  # GET /experiments/ (api/resources/experiments.py)
_.get_experiment  # GET /experiments/{experiment_id}
_.rename_experiment  # PUT /experiments/{experiment_id}
_.delete_experiment  # DELETE /experiments/{experiment_id}
_.list_associations  # GET /scientists-experiments/
_.list_measure_types  # GET /measure-types/ (api/resources/measure_types.py)
_.read_measures  # GET /measures/{experiment_id} (api/resources/measures.py)
_.aggregate_measures  # GET /measures/{experiment_id}/aggregate
_.export_measures  # GET /measures/{experiment_id}/export
_.list_series  # GET /series/{experiment_id} (api/resources/series.py)
_.list_rules  # GET /alert-rules/ (api/resources/alert_rules.py)
_.get_rule  # GET /alert-rules/{rule_id}
_.create_rule  # POST /alert-rules/
_.replace_rule  # PUT /alert-rules/{rule_id}
_.delete_rule  # DELETE /alert-rules/{rule_id}
_.list_alerts  # GET /alerts/ (api/resources/alerts.py)
_.alert_history  # GET /alerts/{alert_id}/history
_.trust_env  # requests.Session reads it (alerting/webhooks.py: no proxy from the environment)
_.MIN  # Statistic.MIN (domain/alerts.py): read by value from a rule's JSON and from its table row
_.MAX  # Statistic.MAX
_.list_users  # GET /users/ (api/resources/users.py)
_.erase_user  # DELETE /users/{user_id}
_.docs  # GET /docs, the Swagger UI (api/resources/system.py)
_.docs_script  # GET /docs/init.js
_.docs_assets  # GET /docs/assets/<name>
_.asset  # GET /assets/<name>, the web page's files (web/page.py)
_.config_json  # GET /config.json, the page's browser configuration
_.security_headers  # after_request of the web page's blueprint
_._bind_request_id  # before_request: the request id and the audit binding (api/app.py)
_._unbind_request  # teardown_request
_._echo_request_id  # after_request
_._start_timer  # before_request of the HTTP metrics (api/http_metrics.py)
_._observe  # after_request of the HTTP metrics
# flask.g attributes, read back with g.pop()/g.get() under the same name given as a string.
_.audit_binding  # api/app.py
_.audit_later  # api/operations.py
_.audit_emit  # api/operations.py

# pydantic: model_config configures each model; the validators run when a model is built.
_.model_config  # api/schemas.py Strict, config.py Settings, ingest/settings.py, web/settings.py
_._networks  # config.py Settings: REST_TRUSTED_PROXIES
_._emulator_only_in_development  # config.py Settings
_._default_prefetch  # ingest/settings.py IngestSettings: INGEST_PREFETCH from INGEST_BATCH_SIZE
# Fields of response models: the resources write these keys as dicts; the models document them in
# the OpenAPI document.
_.bucket_seconds  # api/schemas.py AggregateOut (written by api/resources/measures.py)
_.instance  # api/schemas.py Problem (written by api/problems.py)

# Read by a library from the object the code configures.
_.socket_timeout  # pika.URLParameters (ingest/broker.py): pika reads these when it connects
_.blocked_connection_timeout
_.connection_attempts
_.heartbeat
_.worker_app  # server.py: granian imports "mymonit.server:worker_app" by that string, in each worker
_.traceback  # logs/context.py Binding.__exit__: the context manager protocol passes it

# Tests: pytest and the standard library call these by name.
_.pytestmark  # a module's marks (tests/integration/...)
_.pytest_collection_modifyitems  # a pytest hook (tests/integration/conftest.py)
_.amqps_port  # fixtures requested by @pytest.mark.usefixtures, autouse or getfixturevalue
_.infrastructure_restored
_.outage
_.many_measures
_.demo_measures
_.root_restored
_.demo_store
_.no_web_environment
_.small_chunks
_.do_GET  # http.server handlers of stand-in servers (tests/support/logstash_standin.py,
_.do_POST  # tests/integration/audit/test_audit_kibana_setup.py)
_.log_message
_.protocol_version  # class attributes that http.server and socketserver read
_.disable_nagle_algorithm
_.allow_reuse_address
_.daemon_threads
_.request_queue_size
_._content  # requests.Response reads it as the body (tests/unit/test_production_tokens.py)
_.check_revoked  # keyword arguments of firebase-admin's verify_id_token, which the fakes stand in for
_.clock_skew_seconds

# prometheus_client calls collect() on every collector registered with a registry it renders.
_.collect  # SeriesCounts.collect (api/series_metrics.py)
