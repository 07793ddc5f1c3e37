"""Pydantic schemas: the workload format and the pricing tables."""
