from collections.abc import Callable
from typing import Any

def configure(
    general: Callable[..., Any],
    miss: Callable[..., Any] | None,
    search: Callable[..., Any],
    vehicle: Callable[..., Any],
) -> None: ...
def check(self: Any, **fields: Any) -> Any: ...
