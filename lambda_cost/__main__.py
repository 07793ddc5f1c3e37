"""`python -m lambda_cost`."""

from lambda_cost.cli import console_script

console_script()
