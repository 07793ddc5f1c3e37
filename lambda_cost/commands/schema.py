"""`lambda-cost schema`: the JSON Schema of the workload format, on stdout or to a file."""

from __future__ import annotations


def run(output: str | None, *, force: bool = False) -> int:
    """`lambda-cost schema`: the schema on stdout, or atomically to a file that is not overwritten by accident."""
    import sys

    from lambda_cost.atomic import write_atomically
    from lambda_cost.model.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text, force=force)
        print(f"wrote {output}", file=sys.stderr)  # as every command that writes a file says where
    return 0
