"""The composition root: the only module that names concrete classes (`bootstrap` drives it)."""

from __future__ import annotations

import time
from pathlib import Path

from dependency_injector import containers, providers

from mymonit.access_stamp import FileAccessStamp, access_stamp_path
from mymonit.alerting.deliverer import Deliverer, RetryPolicy
from mymonit.alerting.evaluator import Evaluator
from mymonit.alerting.settings import AlertSettings
from mymonit.alerting.webhooks import WebhookPoster
from mymonit.api.identity import RequestAuthenticator
from mymonit.audit import AuditTrail, spool_directory
from mymonit.audit.shipper import Shipper
from mymonit.audit.sinks import EverySink, FileSink, LogstashHttpSink, Sink
from mymonit.auth.token_cache import VerifiedTokens
from mymonit.auth.verifier import CachedAccountStatus, FirebaseAccountStatus, FirebaseTokenVerifier, firebase_app
from mymonit.config import Environment, Settings
from mymonit.ingest.assembler import MeasureAssembler
from mymonit.ingest.broker import BrokerProbe, connection_parameters
from mymonit.ingest.consumer_metrics import ConsumerMetrics
from mymonit.ingest.consumer_parts import ConsumerParts
from mymonit.ingest.decoder import Limits
from mymonit.ingest.lifecycle import Liveness, StopFlag
from mymonit.ingest.listener import RabbitListener
from mymonit.ingest.names import NameResolver, NameSource
from mymonit.ingest.pika_channel import pika_connector
from mymonit.ingest.ports import MeasureSink, SeriesStore
from mymonit.ingest.series_ids import SeriesIds
from mymonit.ingest.settings import IngestSettings
from mymonit.ingest.topology import Topology
from mymonit.rollups.settings import RollupSettings
from mymonit.services.alert_rules import AlertRuleService
from mymonit.services.alerts import AlertService
from mymonit.services.experiments import ExperimentService
from mymonit.services.measure_types import MeasureTypeService
from mymonit.services.measures import MeasureService
from mymonit.services.series import SeriesService
from mymonit.services.users import UserService
from mymonit.storage.alert_outbox import MySqlOutbox
from mymonit.storage.alert_rules import MySqlAlertRuleRepository
from mymonit.storage.alert_store import MySqlAlertStore
from mymonit.storage.alerts_reader import MySqlAlertReader
from mymonit.storage.database import Database
from mymonit.storage.experiments import MySqlAssociationRepository, MySqlExperimentRepository
from mymonit.storage.ingest_names import MySqlNameSource
from mymonit.storage.measure_types import MySqlMeasureTypeRepository
from mymonit.storage.measure_writer import MySqlMeasureWriter
from mymonit.storage.measures import MySqlMeasureReader
from mymonit.storage.migrator import Migrator
from mymonit.storage.pool import ConnectionPool, ConnectionSettings
from mymonit.storage.rollup_store import MySqlRollupStore
from mymonit.storage.series_reader import MySqlSeriesReader
from mymonit.storage.series_store import MySqlSeriesStore
from mymonit.storage.users import MySqlUserRepository
from mymonit.web import WebSettings, browser_config, web_blueprint


def connection_settings(settings: Settings, statement_seconds: float = 0.0) -> ConnectionSettings:
    return ConnectionSettings(
        host=settings.DB_HOST, port=settings.DB_PORT, user=settings.DB_USER,
        password=settings.DB_PASSWORD.get_secret_value(), database=settings.DB_DATABASE,
        statement_seconds=statement_seconds,
    )


def stamp_path(settings: Settings) -> Path:
    return access_stamp_path(settings.DB_HOST, settings.DB_PORT, settings.DB_DATABASE)


def limits(ingest: IngestSettings) -> Limits:
    return Limits(max_body_bytes=ingest.INGEST_MAX_BODY_BYTES, max_measures=ingest.INGEST_MAX_MEASURES,
                  max_future_seconds=ingest.INGEST_MAX_FUTURE_SECONDS)


def build_listener(settings: Settings, ingest: IngestSettings, sink: MeasureSink, names: NameSource,
                   series: SeriesStore, trail: AuditTrail, metrics: ConsumerMetrics,
                   stop: StopFlag | None = None) -> RabbitListener:
    """A listener on RABBIT_QUEUE with the service's broker account; `stop` ends its `run()`."""
    resolver = NameResolver(names, time.monotonic, ingest.INGEST_NAMES_RELOAD_SECONDS)
    assembler = MeasureAssembler(resolver, SeriesIds(series, ingest.MAX_SERIES_PER_EXPERIMENT), limits(ingest))
    parts = ConsumerParts(
        topology=Topology.from_settings(settings), settings=ingest,
        assembler=assembler, sink=sink, metrics=metrics, trail=trail,
        stop=stop or StopFlag(), liveness=Liveness(ingest.CONSUMER_LIVENESS_FILE),
    )
    connect = pika_connector(connection_parameters(settings), parts.topology, ingest.INGEST_PREFETCH)
    return RabbitListener(connect, parts)


def retry_policy(alerts: AlertSettings) -> RetryPolicy:
    return RetryPolicy(first_seconds=alerts.ALERT_WEBHOOK_RETRY_SECONDS,
                       max_seconds=alerts.ALERT_WEBHOOK_RETRY_MAX_SECONDS,
                       max_attempts=alerts.ALERT_WEBHOOK_MAX_ATTEMPTS, timeout_seconds=alerts.ALERT_WEBHOOK_TIMEOUT,
                       keep_seconds=alerts.ALERT_OUTBOX_KEEP_DAYS * 86_400)


def webhook_secret(settings: Settings) -> bytes:
    """ALERT_WEBHOOK_SECRET (`mymonit alerts` refuses to start without it)."""
    secret = settings.ALERT_WEBHOOK_SECRET
    return b"" if secret is None else secret.get_secret_value().encode()


def audit_sink(settings: Settings) -> Sink:
    """Logstash's http input and/or the audit file, as configured (see `Settings.audit_shipped`)."""
    sinks: list[Sink] = []
    if settings.LOGSTASH_HOST:
        password = settings.LOGSTASH_PASSWORD
        credentials = (settings.LOGSTASH_USER, password.get_secret_value()) if password else None
        sinks.append(LogstashHttpSink(settings.LOGSTASH_HOST, settings.LOGSTASH_PORT, credentials=credentials))
    if settings.AUDIT_FILE:
        sinks.append(FileSink(Path(settings.AUDIT_FILE)))
    return sinks[0] if len(sinks) == 1 else EverySink(sinks)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    # The API's processes pass REST_QUERY_SECONDS; the consumer and the migrations run unbounded.
    statement_seconds = providers.Dependency(instance_of=float, default=0.0)
    # The process's one trail, from configure_logging (bootstrap.start): it knows the secrets.
    audit_trail = providers.Dependency(instance_of=AuditTrail)
    audit_shipper = providers.Factory(
        Shipper, providers.Callable(spool_directory, settings), providers.Callable(audit_sink, settings),
        batch_rows=settings.provided.AUDIT_SHIP_BATCH,
    )

    pool = providers.Singleton(
        ConnectionPool, providers.Callable(connection_settings, settings, statement_seconds),
        size=settings.provided.DB_POOL_SIZE,
    )
    database = providers.Singleton(Database, pool)
    migrator = providers.Factory(Migrator, database)

    user_repository = providers.Singleton(MySqlUserRepository, database)
    experiment_repository = providers.Singleton(MySqlExperimentRepository, database)
    association_repository = providers.Singleton(MySqlAssociationRepository, database)
    measure_type_repository = providers.Singleton(MySqlMeasureTypeRepository, database)
    measure_reader = providers.Singleton(MySqlMeasureReader, database)
    measure_writer = providers.Singleton(MySqlMeasureWriter, database)
    series_reader = providers.Singleton(MySqlSeriesReader, database)
    alert_rule_repository = providers.Singleton(MySqlAlertRuleRepository, database)
    alert_reader = providers.Singleton(MySqlAlertReader, database)

    access_stamp = providers.Singleton(FileAccessStamp, providers.Callable(stamp_path, settings))
    user_service = providers.Singleton(
        UserService, user_repository, access_stamp, caller_ttl=settings.provided.AUTH_CALLER_TTL,
    )
    experiment_service = providers.Singleton(
        ExperimentService, experiment_repository, association_repository, user_repository, access_stamp,
    )
    measure_type_service = providers.Singleton(MeasureTypeService, measure_type_repository)
    series_service = providers.Singleton(SeriesService, series_reader, measure_type_service)
    alert_rule_service = providers.Singleton(
        AlertRuleService, alert_rule_repository, experiment_repository, measure_type_service,
        local_webhooks=providers.Callable(lambda s: s.MYMONIT_ENV is Environment.DEVELOPMENT, settings),
    )
    alert_service = providers.Singleton(AlertService, alert_reader)
    measure_service = providers.Singleton(
        MeasureService, measure_reader, measure_type_service, series_service,
    )

    firebase = providers.Singleton(
        firebase_app, settings.provided.FIREBASE_PROJECT_ID, settings.provided.GOOGLE_APPLICATION_CREDENTIALS,
    )
    account_status = providers.Singleton(
        CachedAccountStatus, providers.Singleton(FirebaseAccountStatus, firebase),
        ttl=settings.provided.AUTH_REVOCATION_TTL,
    )
    verified_tokens = providers.Singleton(VerifiedTokens, size=settings.provided.AUTH_TOKEN_CACHE_SIZE)
    token_verifier = providers.Singleton(FirebaseTokenVerifier, firebase, account_status, verified_tokens)
    authenticator = providers.Singleton(RequestAuthenticator, token_verifier, user_service)
    broker_probe = providers.Singleton(BrokerProbe, settings)

    web_settings = providers.Singleton(WebSettings)
    web_page = providers.Factory(web_blueprint, providers.Callable(browser_config, settings, web_settings))

    ingest_settings = providers.Singleton(IngestSettings)
    consumer_metrics = providers.Singleton(ConsumerMetrics)
    name_source = providers.Singleton(MySqlNameSource, database)
    series_store = providers.Singleton(MySqlSeriesStore, database)
    # Keyword arguments, so a caller overrides any of them: `rabbit_listener(ingest=..., trail=...)`.
    rabbit_listener = providers.Factory(
        build_listener, settings=settings, ingest=ingest_settings, sink=measure_writer, names=name_source,
        series=series_store, trail=audit_trail, metrics=consumer_metrics,
    )

    rollup_settings = providers.Singleton(RollupSettings)
    rollup_store = providers.Singleton(MySqlRollupStore, database)

    alert_settings = providers.Singleton(AlertSettings)
    alert_store = providers.Singleton(MySqlAlertStore, database, alert_rule_repository)
    alert_outbox = providers.Singleton(MySqlOutbox, database)
    alert_evaluator = providers.Factory(
        Evaluator, alert_store, audit_trail, external_url=alert_settings.provided.ALERT_EXTERNAL_URL,
    )
    webhook_poster = providers.Singleton(
        WebhookPoster, providers.Callable(webhook_secret, settings), alert_settings.provided.ALERT_WEBHOOK_TIMEOUT,
    )
    alert_deliverer = providers.Factory(
        Deliverer, alert_outbox, webhook_poster.provided.post, audit_trail,
        providers.Callable(retry_policy, alert_settings),
    )
