"""AWS's usage types to components, by the data in pricing/bills/usage-types.yaml: region prefixes (us-east-1 has
none, eu-west-1's is EU), -ARM suffixes, data transfer, the free tier, FOCUS descriptions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_cost.bills.usage_types import Classified, load_usage_types

types = load_usage_types()


@pytest.mark.parametrize(("usage_type", "expected"), [
    ("Request", Classified("requests", "us-east-1")),
    ("Request-ARM", Classified("requests", "us-east-1")),
    ("Lambda-GB-Second", Classified("duration_x86_64", "us-east-1")),
    ("USE2-Lambda-GB-Second-ARM", Classified("duration_arm64", "us-east-2")),
    ("EU-Lambda-GB-Second", Classified("duration_x86_64", "eu-west-1")),
    ("EUW1-Lambda-GB-Second", Classified("duration_x86_64", "eu-west-1")),
    ("APS3-Lambda-Provisioned-Concurrency-ARM", Classified("provisioned_concurrency", "ap-south-1")),
    ("CAN1-Lambda-Provisioned-GB-Second", Classified("provisioned_duration", "ca-central-1")),
    ("APN1-Lambda-Storage-GB-Second-ARM", Classified("ephemeral_storage", "ap-northeast-1")),
    ("Lambda-Streaming-Response-Processed-Bytes", Classified("response_streaming", "us-east-1")),
    ("EUC1-Lambda-SnapStart-Cached-GB-S", Classified("snapstart_cache", "eu-central-1")),
    ("Lambda-SnapStart-Restored-GB", Classified("snapstart_restore", "us-east-1")),
    ("USW2-Lambda-Event-Poller-Unit-Hour", Classified("esm_provisioned", "us-west-2")),
    # Lambda@Edge is compared where the estimate prices it, whichever region served it.
    ("EU-Lambda-Edge-Request", Classified("edge_requests", "us-east-1", moved=True)),
    ("APS2-Lambda-Edge-GB-Second", Classified("edge_duration", "us-east-1", moved=True)),
    ("Lambda-Edge-Request", Classified("edge_requests", "us-east-1")),
    # Data transfer names both ends; the first is the line's region.
    ("USW2-DataTransfer-Out-Bytes", Classified("data_transfer", "us-west-2")),
    ("USW2-USE1-AWS-Out-Bytes", Classified("data_transfer", "us-west-2")),
    ("DataTransfer-Regional-Bytes", Classified("data_transfer", "us-east-1")),
    # The Price List's account-wide free tier.
    ("Global-Request", Classified("requests", "global", free=True)),
    ("Global-Lambda-GB-Second", Classified("duration_x86_64", "global", free=True)),
    # Never guessed: an unknown prefix or name is unknown.
    ("XYZ9-Lambda-GB-Second", Classified(None, "us-east-1")),
    ("USE2-Lambda-Managed-Instances-Request", Classified(None, "us-east-2")),
    ("", Classified(None, "us-east-1")),
])
def test_usage_types(usage_type: str, expected: Classified) -> None:
    assert types.classify(usage_type) == expected


@given(prefix=st.sampled_from(sorted(types.spec.regions)),
       base=st.sampled_from(["Request", "Lambda-GB-Second", "Lambda-Provisioned-Concurrency",
                             "Lambda-Provisioned-GB-Second", "Lambda-Storage-GB-Second"]),
       arm=st.booleans())
def test_every_region_and_architecture(prefix: str, base: str, arm: bool) -> None:
    found = types.classify(f"{prefix}-{base}{'-ARM' if arm else ''}")
    assert found.region == types.spec.regions[prefix]
    if base == "Lambda-GB-Second":
        assert found.component == ("duration_arm64" if arm else "duration_x86_64")
    else:
        assert found.component is not None and not found.component.endswith(("_arm64", "_x86_64"))


@pytest.mark.parametrize(("description", "component"), [
    ("AWS Lambda - Total Compute - US West (Oregon)-Tier-1", "duration_x86_64"),
    ("AWS Lambda - Total Compute - US East (N. Virginia) - ARM - Tier-1", "duration_arm64"),
    ("AWS Lambda - Compute Free Tier - 400,000 GB-Seconds - US East (N. Virginia)", "duration_x86_64"),
    ("AWS Lambda - Requests Free Tier - 1,000,000 Requests - US East (N. Virginia)", "requests"),
    ("AWS Lambda - Total Requests - EU (Ireland) - ARM", "requests"),
    ("AWS Lambda - Provisioned Concurrency - EU (Ireland)", "provisioned_concurrency"),
    ("AWS Lambda - Provisioned Duration - EU (Ireland) - ARM", "provisioned_duration"),
    ("AWS Lambda - Storage-Duration - EU (Ireland)", "ephemeral_storage"),
    ("AWS Lambda Edge - Total Compute - US East (N. Virginia)", "edge_duration"),
    ("AWS Lambda Edge - Total Requests - US East (N. Virginia)", "edge_requests"),
    ("AWS Lambda - Response Streaming - US East (N. Virginia)", "response_streaming"),
    ("Parrot feed", None),
])
def test_focus_descriptions(description: str, component: str | None) -> None:
    assert types.classify_description(description).component == component


def test_the_estimate_components_map_to_comparison_components() -> None:
    assert types.of_estimate("duration_tier_2", "arm64") == "duration_arm64"
    assert types.of_estimate("async_payload_requests", "x86_64") == "requests"
    assert types.of_estimate("free_tier_duration", "arm64") == "free_tier_duration"
    assert types.credited("free_tier_duration", "arm64") == "duration_arm64"
    assert types.of_estimate("savings_plan", "x86_64") == "savings_plan"
    assert types.of_estimate("cloudwatch_logs_ingestion", "x86_64") is None


def test_every_line_item_component_of_an_estimate_is_mapped() -> None:
    # The README's list of the JSON's components: each one has a place in the comparison.
    from lambda_cost.model.budget import BUDGET_COMPONENTS

    lambda_components = [c for c in BUDGET_COMPONENTS if not c.startswith(("dead_letter", "cloudwatch"))]
    for component in lambda_components:
        name = "duration_tier_1" if component == "duration" else component
        assert types.of_estimate(name, "x86_64") is not None, component
    for credit in ("free_tier_requests", "free_tier_duration", "free_tier_response_streaming"):
        assert types.of_estimate(credit, "x86_64") == credit
