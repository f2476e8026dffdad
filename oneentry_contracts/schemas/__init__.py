"""Response schemas: the default ones shipped in `schemas/data/`, a project's own
`schemas/` over them, validation of every answer, and proposals from the recorded answers."""
