"""Stage 1, content: YAML files, the project config and document schemas → typed, checked
models (no rendering here, so `check` stays quick)."""
