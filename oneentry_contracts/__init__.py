"""oneentry-contracts: contract tests and purchase scenarios for OneEntry shops.

What a step author uses, in one namespace: the schema-checked API a step calls (`ContractApi`,
`expect_status`, `ApiResponse`), the configuration (`Config`, `Credentials`, `UserRole`) and
where a run sends its requests (`Target`), the shop's values (`FilledForm`, `Cart`,
`CartLine`, `PlacedOrder`, `order_body`, `FormDataFaker`), the schemas (`SchemaStore`), a
scenario's step sentences (`scenario_steps`, for a hook that decides by them), and the
exception tree rooted at `HarnessError`. The pytest plugin is active once the package is
installed (entry point `pytest11`); its fixtures are all named `oneentry_*`.

The subpackages, by concept: `api` (endpoints, client, retries, contract calls), `config`,
`shop` (purchase values, form data), `formcheck`, `schemas`, `recording` (cassettes,
scrubbing, audit), `pytest_plugin` (with `compat`, the one place that touches other libraries'
internals), `reporting`, `steps` (the standard step vocabulary) and `cli`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneentry_contracts.api.client import ApiResponse
    from oneentry_contracts.api.contract import ContractApi, expect_status
    from oneentry_contracts.api.target import Target
    from oneentry_contracts.config.settings import Config, Credentials, UserRole
    from oneentry_contracts.errors import (
        AuthenticationError,
        CassetteError,
        ConfigError,
        ContractViolation,
        FormConfigMismatch,
        HarnessError,
        OutcomeUnknown,
        RetriesExhausted,
        SchemaViolation,
        TransportError,
        UnexpectedStatus,
        UnreadableCassette,
    )
    from oneentry_contracts.recording.naming import scenario_steps
    from oneentry_contracts.schemas.store import SchemaStore
    from oneentry_contracts.shop.formdata import FormDataFaker
    from oneentry_contracts.shop.values import Cart, CartLine, FilledForm, PlacedOrder, order_body

# name -> the module that defines it. Imported on first use (PEP 562): the pytest plugin, the
# CLI's `--help` and a replay load only what they need, and vcrpy is never imported before
# pytest-recording has registered its assertion rewriting.
_WHERE: dict[str, str] = {
    "ApiResponse": "api.client",
    "ContractApi": "api.contract",
    "expect_status": "api.contract",
    "Target": "api.target",
    "Config": "config.settings",
    "Credentials": "config.settings",
    "UserRole": "config.settings",
    "SchemaStore": "schemas.store",
    "FormDataFaker": "shop.formdata",
    "scenario_steps": "recording.naming",
    **dict.fromkeys(("Cart", "CartLine", "FilledForm", "PlacedOrder", "order_body"), "shop.values"),
    **dict.fromkeys(
        (
            *("AuthenticationError", "CassetteError", "ConfigError", "ContractViolation"),
            *("FormConfigMismatch", "HarnessError", "OutcomeUnknown", "RetriesExhausted"),
            *("SchemaViolation", "TransportError", "UnexpectedStatus", "UnreadableCassette"),
        ),
        "errors",
    ),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'oneentry_contracts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"oneentry_contracts.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ApiResponse",
    "AuthenticationError",
    "Cart",
    "CartLine",
    "CassetteError",
    "Config",
    "ConfigError",
    "ContractApi",
    "ContractViolation",
    "Credentials",
    "FilledForm",
    "FormConfigMismatch",
    "FormDataFaker",
    "HarnessError",
    "OutcomeUnknown",
    "PlacedOrder",
    "RetriesExhausted",
    "SchemaStore",
    "SchemaViolation",
    "Target",
    "TransportError",
    "UnexpectedStatus",
    "UnreadableCassette",
    "UserRole",
    "__version__",
    "expect_status",
    "order_body",
    "scenario_steps",
]

__version__ = "0.2.0"
