"""Pydantic schema of pricing/bills/usage-types.yaml: AWS's Lambda usage types and the components they bill."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComponentSpec(_Strict):
    """A component of the comparison: its unit, and which of the estimate's line items it holds."""

    unit: str
    estimate: tuple[str, ...] = ()
    by_architecture: bool = False  # duration_x86_64 and duration_arm64 apart
    free_tier: str | None = None  # the estimate's credit of this kind
    region: str | None = None  # every region's usage compared under this one (Lambda@Edge)


class DescriptionRule(_Strict):
    """A FOCUS charge description matching `match` (a regular expression, any case) bills `component`."""

    match: str
    component: str


class UsageTypeMap(_Strict):
    """The whole file."""

    version: int
    sources: tuple[dict[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    regions: dict[str, str]
    default_region: str
    global_prefix: str
    global_region: str
    architecture_suffixes: dict[str, str]
    default_architecture: str
    components: dict[str, ComponentSpec]
    usage_types: dict[str, str]
    patterns: dict[str, str] = Field(default_factory=dict)
    descriptions: tuple[DescriptionRule, ...] = ()
    arm_word: str
    free_tier_words: str

    @model_validator(mode="after")
    def _components_known(self) -> UsageTypeMap:
        named = [*self.usage_types.values(), *self.patterns.values(), *(rule.component for rule in self.descriptions)]
        unknown = sorted({name for name in named if name not in self.components})
        if unknown:
            raise ValueError(f"components not declared under components: {', '.join(unknown)}")
        return self
