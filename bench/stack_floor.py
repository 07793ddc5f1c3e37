"""The least a command on lambda-cost's stack can do: a typer command that validates a YAML file with pydantic.

bench/run.py times this beside `lambda-cost estimate` on the five-function workload. It parses an argument and an
option with typer (which, from 0.29, coerces them through pydantic), loads the file with PyYAML's C loader and
validates one field with a one-field pydantic model: the costs every typer + pydantic + PyYAML command pays before
doing any work of its own. Standard library and the four dependencies only.
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def estimate(workload: Path, output_format: str = typer.Option("table", "--format")) -> None:
    """Load WORKLOAD and validate its version field."""
    import yaml
    from pydantic import BaseModel

    class Workload(BaseModel):
        version: int

    data = yaml.load(workload.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    print(Workload.model_validate({"version": data["version"]}).model_dump_json())


@app.command()
def version() -> None:
    """A second command, so typer builds a group as lambda-cost's CLI does."""
    print("0")


if __name__ == "__main__":
    app()
