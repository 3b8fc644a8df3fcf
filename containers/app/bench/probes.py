"""What is timed: the same pages and aggregation bare through the driver, through our layers, and
through the API (Flask test client in-process, and a real `mymonit serve` over HTTP keep-alive).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import mysql.connector
from flask.testing import FlaskClient

from api_clients import ApiClients
from bench_settings import connect
from dataset import EXPERIMENTS, TYPES, Layout
from mymonit.api.responses import iso
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.domain.cursors import decode_cursor
from mymonit.domain.model import Caller
from mymonit.domain.queries import AggregateQuery, MeasureQuery, Order, TimeRange
from mymonit.services.measures import MIN_BUCKET, MeasureFilter
from mymonit.storage.database import Database
from mymonit.storage.measure_sql import MOST_MERGED, MOST_SCANNED, aggregate_sql, page_sql, read_scope
from mymonit.storage.session import Connection
from timing import Probe

PAGE = 1_000
BUCKETS = 1_000
AGGREGATE_ROWS = 1_000_000
_LINK = re.compile(r"<([^>]+)>;\s*rel=\"next\"")


@dataclass(frozen=True)
class Targets:
    """The queries: a page from the middle of one experiment, and an aggregation over ~1M of its rows."""

    experiment_id: int
    middle: datetime
    agg_start: datetime
    agg_end: datetime
    agg_rows: int
    hertz: int

    @classmethod
    def of(cls, container: Container, layout: Layout) -> Targets:
        experiment = container.experiment_repository().by_name(EXPERIMENTS[len(EXPERIMENTS) // 2])
        assert experiment is not None
        seconds = min(AGGREGATE_ROWS, layout.rows_per_experiment) // len(TYPES)
        start = layout.moment((layout.seconds - seconds) // 2)
        hertz = container.measure_type_service().type_id("hertz")
        assert hertz is not None
        return cls(experiment.experiment_id, layout.moment(layout.seconds // 2), start,
                   start + timedelta(seconds=seconds), seconds * len(TYPES), hertz)

    def page_url(self, **extra: str) -> str:
        return f"/measures/{self.experiment_id}?" + urlencode({"from": iso(self.middle), "limit": PAGE, **extra})

    def aggregate_url(self) -> str:
        params = {"from": iso(self.agg_start), "to": iso(self.agg_end), "buckets": BUCKETS}
        return f"/measures/{self.experiment_id}/aggregate?" + urlencode(params)

    def page_query(self, type_id: int | None = None) -> MeasureQuery:
        return MeasureQuery(self.experiment_id, TimeRange(self.middle, None), type_id, PAGE, Order.ASC)

    def aggregate_query(self) -> AggregateQuery:
        micros = (self.agg_end - self.agg_start) // MIN_BUCKET
        width = MIN_BUCKET * -(-micros // BUCKETS)  # as MeasureService computes it
        return AggregateQuery(self.experiment_id, self.agg_start, self.agg_end, width)


def next_link(headers: Any) -> str:
    match = _LINK.search(headers.get("Link", ""))
    if match is None:
        raise RuntimeError("the page has no Link rel=next header")
    return match[1]


def cursor_query(targets: Targets, link: str) -> MeasureQuery:
    """The query the API runs for a Link URL: the same range, after the cursor's position."""
    token = parse_qs(urlsplit(link).query)["cursor"][0]
    return replace(targets.page_query(), after=decode_cursor(token, targets.experiment_id, Order.ASC))


class BareDriver:
    """A plain C-extension connection: execute, fetchall, nothing else."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.connection: Connection = connect(settings)

    def reconnect(self) -> None:
        with contextlib.suppress(mysql.connector.Error):
            self.connection.close()
        self.connection = connect(self._settings)

    def runner(self, sql_and_params: tuple[str, tuple[Any, ...]], expect: int) -> Callable[[], object]:
        sql, params = sql_and_params

        def run() -> object:  # reads self.connection on each run: reconnect() replaces it
            cursor = self.connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.close()
            if len(rows) != expect:
                raise RuntimeError(f"bare query returned {len(rows)} rows, expected {expect}")
            return rows

        return run


@dataclass(frozen=True)
class Paths:
    """The URLs and SQL of each query, resolved once."""

    urls: dict[str, str]
    sql: dict[str, tuple[str, tuple[Any, ...]]]
    expect_rows: dict[str, int]


def bare_page_sql(database: Database, query: MeasureQuery) -> tuple[str, tuple[Any, ...]]:
    """The page's SQL as our reader sends it, for the series the reader finds (that lookup is ours)."""
    return page_sql(query, database.run(lambda c: read_scope(c, query, MOST_MERGED)))


def resolve_paths(targets: Targets, client: FlaskClient, headers: dict[str, str], database: Database) -> Paths:
    first = client.get(targets.page_url(), headers=headers)
    if first.status_code != 200:
        raise RuntimeError(f"the first page answered {first.status_code}: {first.get_data(as_text=True)[:300]}")
    link = next_link(first.headers)
    urls = {
        "page from the middle": targets.page_url(),
        "page after a cursor": link,
        "page ?measure=hertz": targets.page_url(measure="hertz"),
        "aggregate 1000 buckets": targets.aggregate_url(),
    }
    aggregate = targets.aggregate_query()
    scope = database.run(lambda c: read_scope(c, aggregate, MOST_SCANNED))
    buckets = BUCKETS * len(TYPES)
    sql = {
        "page from the middle": bare_page_sql(database, targets.page_query()),
        "page after a cursor": bare_page_sql(database, cursor_query(targets, link)),
        "page ?measure=hertz": bare_page_sql(database, targets.page_query(targets.hertz)),
        "aggregate 1000 buckets": aggregate_sql(aggregate, scope, aggregate.start, aggregate.end),
    }
    expect = dict.fromkeys(sql, PAGE + 1) | {"aggregate 1000 buckets": buckets}
    return Paths(urls, sql, expect)


def name(layer: str, query: str) -> str:
    return f"{layer:<21}| {query}"


def build_probes(paths: Paths, bare: BareDriver, api: ApiClients, layers: list[Probe]) -> list[Probe]:
    """Grouped by query: bare first (the baseline), then our layers, then the API paths."""
    probes: list[Probe] = []
    for query, url in paths.urls.items():
        baseline = name("bare driver", query)
        probes.append(Probe(baseline, bare.runner(paths.sql[query], paths.expect_rows[query])))
        probes += [replace(p, baseline=baseline) for p in layers if query in p.name]
        probes.append(Probe(name("API test client", query), api.in_process(url), baseline))
        if (run := api.over_requests(url)) is not None:
            probes.append(Probe(name("API HTTP requests", query), run, baseline))
        if query == "page from the middle" and (run := api.over_http_client(url)) is not None:
            probes.append(Probe(name("API HTTP http.client", query), run, baseline))
    return probes


def layer_probes(container: Container, targets: Targets, actor: Caller) -> list[Probe]:
    """Our code below Flask, for the page from the middle: where between driver and API the time goes."""
    reader = container.measure_reader()
    service = container.measure_service()
    query = targets.page_query()
    wanted = MeasureFilter(start=targets.middle, limit=PAGE)
    return [
        Probe(name("reader.page", "page from the middle"), lambda: reader.page(query)),
        Probe(name("service.page", "page from the middle"), lambda: service.page(actor, targets.experiment_id, wanted)),
    ]


def fixed_cost_probes(container: Container, token: str, api: ApiClients) -> list[Probe]:
    """What every request pays whatever it reads: token check, user lookup, Flask (+ HTTP)."""
    verifier = container.token_verifier()
    users = container.user_service()
    uid = verifier.verify(token)
    small = "/measure-types/"  # authenticated, answered from a cache: the API's fixed cost
    probes = [
        Probe(name("per request", "token verification"), lambda: verifier.verify(token)),
        Probe(name("per request", "user lookup (users.resolve)"), lambda: users.resolve(uid)),
        Probe(name("API test client", f"GET {small} (fixed cost)"), api.in_process(small)),
    ]
    if (run := api.over_requests(small)) is not None:
        probes.append(Probe(name("API HTTP requests", f"GET {small} (fixed cost)"), run))
    return probes
