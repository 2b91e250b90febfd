"""`typing.overload` at no import cost.

The modules that `import minusma_data` loads import `overload` from typing
under TYPE_CHECKING, for type checkers, and from here otherwise: importing
typing would triple the cost of `import minusma_data`. At run time the
overloaded signatures are plain functions that the implementation, defined
last under the same name, replaces.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])


def overload(function: F) -> F:
    return function
