"""`lambda-cost init`: a commented starter workload, blank or drafted from a SAM, Terraform or Serverless source."""

from __future__ import annotations

import sys

from lambda_cost.errors import EXIT_OK, InputError
from lambda_cost.model.units import PLACEHOLDER
from lambda_cost.templates.draft import BLANK, draft_text


def run(template: str | None, output: str, *, force: bool = False, quiet: bool = False) -> int:
    """`lambda-cost init`: write the starter (or the template's draft) to a file, never over one without --force."""
    from lambda_cost.atomic import write_atomically

    if template is None:
        text, summary = BLANK, "a starter workload"
    else:
        from lambda_cost.templates.formats import SAM, read_any

        drafted = read_any(template)
        drafts = drafted.drafts
        if not drafts and drafted.kind == SAM:
            raise InputError(
                f"{template}: no AWS::Lambda::Function or AWS::Serverless::Function in the template",
                hint="; ".join(drafted.notes) or "init --from reads the functions of a SAM or CloudFormation template",
            )
        if not drafts:
            raise InputError(f"{template}: no Lambda function in this {drafted.kind}",
                             hint="; ".join(drafted.notes) or "init --from drafts the functions it describes")
        text = draft_text(drafts, template, drafted.notes)
        summary = f"{len(drafts)} function{'s' if len(drafts) != 1 else ''} from {template} ({drafted.kind})"
    if output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    write_atomically(output, text, force=force)
    if not quiet:
        left = text.count(f": {PLACEHOLDER}") + text.count(f" {PLACEHOLDER},") + text.count(f" {PLACEHOLDER}}}")
        print(f"wrote {output}: {summary}, {left} placeholder{'s' if left != 1 else ''} to fill in; "
              f"`lambda-cost validate {output}` lists them", file=sys.stderr)
    return EXIT_OK
