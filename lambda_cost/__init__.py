"""lambda-cost: offline, versioned, reproducible estimates of AWS Lambda costs."""

__version__ = "0.1.0"
