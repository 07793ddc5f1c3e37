"""The console script's entry point (and `python -m lambda_cost`'s): the command line starts with the cycle
collector paused."""

import gc


def main() -> None:
    """Run the command line. Start-up (importing typer, pydantic and lambda-cost, building the command and
    parsing its line) creates hundreds of thousands of objects and frees almost none: the cycle collector would
    walk them about 70 times and find next to nothing, some 23 M instructions of every run (29 M of an estimate).
    It is paused here, before anything is imported, and runs again once the command starts (cli._run); estimate,
    which turns it off for its work anyway, keeps it paused."""
    gc.disable()
    from lambda_cost import cli

    cli.console_script(gc_paused=True)
