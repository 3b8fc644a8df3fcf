"""The Logstash pipeline, logstash.yml and the Kibana setup agree with what the shipper sends.

No Logstash runs here, so the pipeline file is read by a small parser of the Logstash config
grammar (sections, plugins, `key => value` settings, arrays, hashes, conditionals): it fails on
anything malformed, and the tests then check the settings the audit trail relies on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mymonit.audit.document import LOG_ID

ROOT = Path(__file__).resolve().parents[5]
PIPELINE = ROOT / "containers/logstash/pipeline/mymonit.conf"
LOGSTASH_YML = ROOT / "containers/logstash/config/logstash.yml"
KIBANA_SETUP = ROOT / "containers/kibana/setup.sh"
TOKEN = re.compile(r"""\s+|\#[^\n]*|(?P<t>=>|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{}\[\],!]|[^\s{}\[\],"'#!]+)""")


@dataclass
class Plugin:
    name: str
    settings: dict[str, object] = field(default_factory=dict)
    children: list[Plugin] = field(default_factory=list)  # the plugins of a conditional


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [m["t"] for m in TOKEN.finditer(text) if m["t"]]
        assert "".join(TOKEN.sub("", text).split()) == "", "unreadable characters in the pipeline"
        self.at = 0

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.at]
        assert expected is None or token == expected, f"expected {expected!r}, got {token!r} at token {self.at}"
        self.at += 1
        return token

    def config(self) -> dict[str, list[Plugin]]:
        sections: dict[str, list[Plugin]] = {}
        while self.at < len(self.tokens):
            name = self.take()
            assert name in {"input", "filter", "output"}, name
            sections[name] = self.block()
        return sections

    def block(self) -> list[Plugin]:
        self.take("{")
        plugins = []
        while self.tokens[self.at] != "}":
            plugins.append(self.conditional() if self.tokens[self.at] in {"if", "else"} else self.plugin())
        self.take("}")
        return plugins

    def conditional(self) -> Plugin:
        words = []
        while self.tokens[self.at] != "{":
            words.append(self.take())
        return Plugin(" ".join(words), children=self.block())

    def plugin(self) -> Plugin:
        plugin = Plugin(self.take())
        self.take("{")
        while self.tokens[self.at] != "}":
            key = self.take()
            self.take("=>")
            plugin.settings[key] = self.value()
        self.take("}")
        return plugin

    def value(self) -> object:
        token = self.take()
        if token == "[":
            items = []
            while self.tokens[self.at] != "]":
                items.append(self.value())
                if self.tokens[self.at] == ",":
                    self.take(",")
            self.take("]")
            return items
        if token[0] in "\"'":
            return token[1:-1]
        return int(token) if token.isdigit() else token


@pytest.fixture(scope="module")
def pipeline() -> dict[str, list[Plugin]]:
    return Parser(PIPELINE.read_text(encoding="utf-8")).config()


def only(plugins: list[Plugin], name: str) -> Plugin:
    (plugin,) = [p for p in plugins if p.name == name]
    return plugin


def test_the_input_reads_json_batches_over_http_on_port_5959_with_basic_auth(
    pipeline: dict[str, list[Plugin]],
) -> None:
    (http,) = pipeline["input"]

    assert http.name == "http"
    assert (http.settings["port"], http.settings["codec"]) == (5959, "json")  # one event per array element
    assert (http.settings["user"], http.settings["password"]) == ("mymonit", "${LOGSTASH_PASSWORD}")


def test_the_connection_details_stay_out_of_the_stored_documents(pipeline: dict[str, list[Plugin]]) -> None:
    http = only(pipeline["input"], "http")

    # The http input would otherwise add the sender's address and request headers (among them
    # the basic-auth Authorization header) to every event; under @metadata nothing is output.
    assert http.settings["remote_host_target_field"] == "[@metadata][input][http][remote_host]"
    assert http.settings["request_headers_target_field"] == "[@metadata][input][http][request][headers]"


def test_records_go_to_a_daily_monitoring_index_once_each(pipeline: dict[str, list[Plugin]]) -> None:
    elasticsearch = only(pipeline["output"], "elasticsearch")

    assert elasticsearch.settings["index"] == "monitoring-%{+YYYY.MM.dd}"
    assert elasticsearch.settings["document_id"] == f"%{{[{LOG_ID}]}}"
    assert elasticsearch.settings["action"] == "create"


def test_a_record_without_a_log_id_gets_one_before_the_output(pipeline: dict[str, list[Plugin]]) -> None:
    guard = only(pipeline["filter"], f"if ! [ {LOG_ID} ]")

    assert [(p.name, p.settings) for p in guard.children] == [("uuid", {"target": LOG_ID})]


def test_elasticsearch_is_reached_with_credentials_from_the_environment(pipeline: dict[str, list[Plugin]]) -> None:
    settings = only(pipeline["output"], "elasticsearch").settings

    assert (settings["hosts"], settings["user"], settings["password"]) == (
        ["${ELASTICSEARCH_HOSTS}"], "${LOGSTASH_ES_USER}", "${LOGSTASH_ES_PASSWORD}")
    every_value = repr([p.settings for plugins in pipeline.values() for p in plugins])
    assert set(re.findall(r"\$\{(\w+)", every_value)) == {
        "ELASTICSEARCH_HOSTS", "LOGSTASH_ES_USER", "LOGSTASH_ES_PASSWORD", "LOGSTASH_PASSWORD"}


def test_the_parser_rejects_a_broken_pipeline() -> None:
    text = PIPELINE.read_text(encoding="utf-8")
    assert text.count("codec => json") == 1
    broken = text.replace("codec => json", "codec json")

    with pytest.raises(AssertionError, match="expected '=>'"):
        Parser(broken).config()


def test_logstash_yml_uses_the_api_names_and_a_persisted_queue() -> None:
    pairs = dict(line.split(": ", 1) for line in LOGSTASH_YML.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#"))

    assert (pairs["api.http.host"], pairs["queue.type"]) == ('"0.0.0.0"', "persisted")
    assert "http.host" not in pairs  # refused by Logstash 9


def test_the_kibana_data_view_matches_the_index_and_the_time_field_sent() -> None:
    script = KIBANA_SETUP.read_text(encoding="utf-8")

    assert 'DATA_VIEW_TITLE="monitoring*"' in script
    assert 'TIME_FIELD="@timestamp"' in script  # the field the handler's formatter writes
