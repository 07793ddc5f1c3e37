"""Hatch build hook: the wheel carries the shipped price tables compiled (lambda_cost/tables/compiled.py says why)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "lambda_cost/tables/compiled.pickle"


class CompileTables(BuildHookInterface):
    """Resolve and validate every table of pricing/ from YAML, pickle the result, and check it reads back the same."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # an editable install runs from the checkout, whose tables may change
            return
        sys.path.insert(0, self.root)
        from lambda_cost.tables.catalog import TableCatalog
        from lambda_cost.tables.compiled import compile_tables, differences, read_compiled

        tables = TableCatalog(Path(self.root) / "pricing")  # a directory given: read from YAML, never compiled
        self._scratch = Path(tempfile.mkdtemp(prefix="lambda-cost-build-"))
        compiled_path = self._scratch / "compiled.pickle"
        compiled_path.write_bytes(compile_tables(tables))
        compiled = read_compiled(compiled_path, tables.files)
        if compiled is None or differences(tables, compiled):
            raise RuntimeError("the compiled price tables do not read back as the YAML tables: not shipping them")
        build_data["force_include"][str(compiled_path)] = TARGET

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
