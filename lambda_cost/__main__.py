"""`python -m lambda_cost`."""

from .cli import app

app(prog_name="lambda-cost")
