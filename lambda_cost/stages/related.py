"""Charges of other services that the invocation model causes: dead letters (SQS, SNS) and CloudWatch Logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambda_cost.model.priced import Extras
from lambda_cost.model.pricing import RegionRates
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.numbers import per_one

if TYPE_CHECKING:
    from lambda_cost.model.priced import LineItem

# Why the dead letters are what they are: each lost item is a request, but a stream's on-failure destination gets
# one record per discarded batch (its failed invocation's), whatever the batch's size.
_ITEMS_WHY = "items that exhaust their retries, one request each"
_BATCHES_WHY = "batches a stream discards, one request each (the failed invocation's record)"
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
        unit_price = per_one(per_million)
        per_batch = {source.notice_per_batch for source in usage.sources
                     if source.dead_letter == service and source.lost}
        why = "; ".join(text for flag, text in ((False, _ITEMS_WHY), (True, _BATCHES_WHY)) if flag in per_batch)
        items.append(LineItem(f"dead_letter_{service}_requests", f"Dead letters to {service.upper()}", messages,
                              "requests", unit_price, messages * unit_price, why))
    if extras.log_gb:
        assert related.cloudwatch_logs_ingestion_per_gb is not None
        price = related.cloudwatch_logs_ingestion_per_gb
        items.append(LineItem("cloudwatch_logs_ingestion", "CloudWatch Logs ingestion", extras.log_gb, "GB", price,
                              extras.log_gb * price, _LOGS_WHY))
    return tuple(items)
