"""Charges of other services that the invocation model causes: dead letters (SQS, SNS) and CloudWatch Logs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lambda_cost.model.priced import Extras
from lambda_cost.model.pricing import RegionRates
from lambda_cost.model.usage import FunctionUsage

if TYPE_CHECKING:
    from lambda_cost.model.priced import LineItem

MILLION = Decimal(1_000_000)
_DEAD_LETTER_WHY = ("items that exhaust their retries, one request each (a stream's discarded batch: one request, "
                    "its failed invocation's record)")
_LOGS_WHY = "billed invocations × log bytes per invocation / 2^30"


def related_items(usage: FunctionUsage, extras: Extras, rates: RegionRates) -> tuple[LineItem, ...]:
    """The related charges of one configuration, priced at the region's related-service rates."""
    from lambda_cost.model.priced import LineItem

    related = rates.related
    if related is None or not (extras.dead_letters or extras.log_gb):
        return ()
    items = []
    prices = {"sqs": related.sqs_requests_per_million, "sns": related.sns_requests_per_million}
    for service, messages in extras.dead_letters:
        per_million = prices[service]
        assert per_million is not None
        unit_price = per_million / MILLION
        items.append(LineItem(f"dead_letter_{service}_requests", f"Dead letters to {service.upper()}", messages,
                              "requests", unit_price, messages * unit_price, _DEAD_LETTER_WHY))
    if extras.log_gb:
        assert related.cloudwatch_logs_ingestion_per_gb is not None
        price = related.cloudwatch_logs_ingestion_per_gb
        items.append(LineItem("cloudwatch_logs_ingestion", "CloudWatch Logs ingestion", extras.log_gb, "GB", price,
                              extras.log_gb * price, _LOGS_WHY))
    return tuple(items)
