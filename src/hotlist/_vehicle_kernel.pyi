from collections.abc import Callable
from typing import Any

class VehicleMiss:
    def __init__(self, vin: dict[str, Any], plate: dict[str, Any]) -> None: ...
    def configure(
        self,
        result_cls: type,
        ctx_cls: type,
        kinds: Callable[[], tuple[Any, ...]],
        countries: dict[str, str | None],
        defaults: tuple[Any, ...],
        fallback: Callable[..., Any],
    ) -> None: ...
    def vin_key(self, vin: object) -> str | None: ...
    def plate_key(self, plate: object) -> str | None: ...
    def check(
        self,
        state: object,
        vin: object,
        plate: object,
        country: object,
        limit: object,
        min_score: object,
        max_edits: object,
        name_threshold: object,
    ) -> Any: ...
