"""The standard step vocabulary: the Gherkin sentences a shop's features are written with,
one module per domain, registered by the plugin."""

from typing import Final

# One module per domain, in the order the step catalogue lists them.
STEP_MODULES: Final = (
    "auth",
    "forms",
    "orders",
    "payments",
    "prices",
    "lifecycle",
    "refunds",
    "errors",
    "formcheck",
)
