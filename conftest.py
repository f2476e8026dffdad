"""The scenarios' home. The harness's plugin, its standard steps and the sandbox target are
active through the installed package (`oneentry-contracts[sandbox]`); this repository adds its
own steps for the sandbox's control API."""

pytest_plugins = ["steps.sandbox"]
