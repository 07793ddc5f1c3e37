"""AWS's Lambda usage types to the components of a comparison, by the data in pricing/bills/usage-types.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import ValidationError

from lambda_cost.errors import TableError
from lambda_cost.model.usage_types import ComponentSpec, UsageTypeMap
from lambda_cost.model.words import problem_from_pydantic

FREE_TIER_PREFIX = "free_tier_"


def usage_types_file() -> Path:
    """The map shipped with the package (wheel), or pricing/bills/ of a source checkout."""
    from lambda_cost.tables.catalog import bundled_pricing_dir

    return bundled_pricing_dir() / "bills" / "usage-types.yaml"


@dataclass(frozen=True, slots=True)
class Classified:
    """What one usage type (or FOCUS charge description) bills: None as component when nothing maps it."""

    component: str | None  # a comparison component: requests, duration_arm64, data_transfer...
    region: str | None  # None: the bill's region column decides
    free: bool = False  # the Price List's account-wide free-tier usage types (Global-Request)
    moved: bool = False  # billed in another region than the one it is compared under (Lambda@Edge)


class UsageTypes:
    """The map, with the questions the comparison asks of it."""

    def __init__(self, spec: UsageTypeMap) -> None:
        self.spec = spec
        self._descriptions = [(re.compile(rule.match, re.IGNORECASE), rule.component) for rule in spec.descriptions]
        self._arm_word = re.compile(rf"\b{re.escape(spec.arm_word)}\b")
        self.classify = lru_cache(maxsize=4096)(self._classify)

    def _classify(self, usage_type: str) -> Classified:
        head, dash, rest = usage_type.partition("-")
        spec = self.spec
        region: str | None = spec.default_region
        free = False
        if dash and head in spec.regions:
            region = spec.regions[head]
        elif dash and head == spec.global_prefix:
            region, free = spec.global_region, True
        else:
            rest = usage_type
        architecture = spec.default_architecture
        base = rest
        for suffix, name in spec.architecture_suffixes.items():
            if rest.endswith(suffix):
                base, architecture = rest[: -len(suffix)], name
                break
        component = spec.usage_types.get(base)
        if component is None:
            component = next((name for pattern, name in spec.patterns.items() if fnmatchcase(rest, pattern)), None)
            architecture = spec.default_architecture
        if component is None:
            return Classified(None, region, free)
        compared = self._region(component, region)
        return Classified(self.name(component, architecture), compared, free, moved=compared != region)

    def classify_description(self, description: str) -> Classified:
        """A FOCUS charge without a usage type: its description decides; its region column gives the region."""
        component = next((name for pattern, name in self._descriptions if pattern.search(description)), None)
        if component is None:
            return Classified(None, None)
        architecture = "arm64" if self._arm_word.search(description) else self.spec.default_architecture
        return Classified(self.name(component, architecture), self._region(component, None))

    def is_free_description(self, description: str) -> bool:
        return self.spec.free_tier_words.lower() in description.lower()

    def _region(self, component: str, region: str | None) -> str | None:
        override = self.spec.components[component].region
        return override if override is not None and region != self.spec.global_region else region

    def name(self, component: str, architecture: str) -> str:
        """A comparison component's name: duration splits by architecture (duration_arm64), the others do not."""
        return f"{component}_{architecture}" if self.spec.components[component].by_architecture else component

    @cached_property
    def estimate_components(self) -> dict[str, tuple[str, bool]]:
        """Each line-item component of an estimate to (its comparison component, split by architecture)."""
        mapping: dict[str, tuple[str, bool]] = {}
        for name, spec in self.spec.components.items():
            for line in spec.estimate:
                mapping[line] = (name, spec.by_architecture)
            if spec.free_tier is not None:
                mapping[spec.free_tier] = (spec.free_tier, False)
        return mapping

    def of_estimate(self, line_component: str, architecture: str) -> str | None:
        """The comparison component an estimate's line item counts towards; None for one the map lacks."""
        found = self.estimate_components.get(line_component)
        if found is None:
            return None
        name, by_architecture = found
        return f"{name}_{architecture}" if by_architecture else name

    def credited(self, free_component: str, architecture: str) -> str:
        """The component whose cost a free-tier credit of the estimate reduces (free_tier_duration: duration_arm64)."""
        name = next(name for name, spec in self.spec.components.items() if spec.free_tier == free_component)
        return self.name(name, architecture)

    def free_tier_of(self, component: str) -> str | None:
        """The free-tier component whose usage a zero-cost line of this component is (requests: free_tier_requests)."""
        return self._free_tier.get(component)

    @cached_property
    def _free_tier(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, spec in self.spec.components.items():
            if spec.free_tier is not None:
                for compared in self._names_of(name, spec):
                    found[compared] = spec.free_tier
        return found

    def _names_of(self, name: str, spec: ComponentSpec) -> list[str]:
        if not spec.by_architecture:
            return [name]
        return [f"{name}_{architecture}" for architecture in self.architectures]

    @cached_property
    def architectures(self) -> list[str]:
        return [self.spec.default_architecture, *self.spec.architecture_suffixes.values()]

    @cached_property
    def components(self) -> dict[str, str]:
        """Every comparison component, in the map's order, with its unit (free-tier components after their own)."""
        units: dict[str, str] = {}
        for name, spec in self.spec.components.items():
            for compared in self._names_of(name, spec):
                units[compared] = spec.unit
            if spec.free_tier is not None:
                units[spec.free_tier] = spec.unit
        return units

    def groups(self) -> dict[str, list[str]]:
        """Names a --max-gap may give: every component, and a split one's base (duration: both architectures)."""
        groups = {name: [name] for name in self.components}
        for name, spec in self.spec.components.items():
            if spec.by_architecture:
                groups[name] = self._names_of(name, spec)
        return groups


@lru_cache(maxsize=4)
def load_usage_types(path: Path | None = None) -> UsageTypes:
    """Read and check the map (once a process)."""
    from lambda_cost.stages.load import parse, read_source

    file = path or usage_types_file()
    source = read_source(str(file))
    data = parse(source)
    try:
        spec = UsageTypeMap.model_validate(data)
    except ValidationError as error:
        problems = [problem_from_pydantic(item, tuple(item["loc"]), data, UsageTypeMap).replace(file=str(file))
                    for item in error.errors()]
        raise TableError(f"{file}: the map of usage types is damaged", problems=problems) from None
    return UsageTypes(spec)
