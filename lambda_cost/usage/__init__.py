"""Readers of real Lambda usage (REPORT log lines, JSON platform reports, Logs Insights results, CloudWatch
metrics) into per-function tallies, and the measurements `lambda-cost calibrate` writes a workload from."""
