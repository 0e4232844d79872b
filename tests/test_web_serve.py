"""``ficlens serve``: refuses bad input in one line; the server itself runs in tests/e2e."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ficlens.cli import get_app
from ficlens.cli.serve import _is_loopback


def test_serve_refuses_a_library_that_does_not_exist_without_creating_it(tmp_path):
    missing = tmp_path / "nope.db"
    r = CliRunner().invoke(get_app(), ["serve", "--library", str(missing)])
    assert r.exit_code == 2
    assert f"no library at {missing}" in r.output and "Traceback" not in r.output
    assert not missing.exists()


def test_serve_uses_the_environment_library_when_none_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("FICLENS_LIBRARY", str(tmp_path / "env.db"))
    r = CliRunner().invoke(get_app(), ["serve"])
    assert r.exit_code == 2 and f"no library at {tmp_path / 'env.db'}" in r.output


@pytest.mark.parametrize("port", ["0", "70000"])
def test_serve_refuses_a_port_out_of_range(tmp_path, port):
    r = CliRunner().invoke(get_app(), ["serve", "--library", str(tmp_path / "x.db"), "--port", port])
    assert r.exit_code == 2 and "out of range" in r.output


@pytest.mark.parametrize(
    "host, loopback",
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False)],
)
def test_only_loopback_hosts_count_as_local(host, loopback):
    assert _is_loopback(host) is loopback


def test_serve_defaults_to_loopback_and_port_8765():
    r = CliRunner().invoke(get_app(), ["serve", "--help"])
    assert "127.0.0.1" in r.output and "8765" in r.output
