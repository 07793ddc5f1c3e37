"""What start-up imports: pydantic's plugin loader (and importlib.metadata with it) only when a plugin may load."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from lambda_cost import cli


def imported(env: dict[str, str]) -> tuple[int, str, set[str]]:
    """Exit code, stdout and the modules a JSON estimate of an example imports, in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lambda_cost", "estimate", "examples/web-api.yaml", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
    )
    modules = {line.rpartition("|")[2].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    return run.returncode, run.stdout, modules


def test_with_every_plugin_disabled_the_loader_and_package_metadata_are_not_imported() -> None:
    code, stdout, modules = imported({"PYDANTIC_DISABLE_PLUGINS": "__all__"})
    assert code == 0 and '"schema_version": 2' in stdout
    assert "pydantic.main" in modules  # the list is what the run imported
    assert not {"pydantic.plugin._loader", "importlib.metadata", "email.message"} & modules


def test_a_user_who_names_plugins_to_disable_gets_pydantics_own_loader() -> None:
    code, stdout, modules = imported({"PYDANTIC_DISABLE_PLUGINS": "some-plugin"})
    assert code == 0 and '"schema_version": 2' in stdout
    assert {"pydantic.plugin._loader", "importlib.metadata"} <= modules


def test_the_stand_in_gives_no_plugin_and_any_other_name_from_the_real_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "pydantic.plugin._loader"
    monkeypatch.delitem(sys.modules, name, raising=False)
    stand_in = cli._NoPlugins(name)
    monkeypatch.setitem(sys.modules, name, stand_in)
    from pydantic.plugin._loader import get_plugins

    assert tuple(get_plugins()) == ()
    assert sys.modules[name] is stand_in
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
    assert sys.modules[name] is not stand_in  # the real module took its place
    with pytest.raises(AttributeError):
        stand_in.__path__  # noqa: B018 - what the import system asks: a plain module has none
