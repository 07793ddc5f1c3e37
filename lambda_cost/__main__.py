"""`python -m lambda_cost`."""

from lambda_cost.start import main

main()
