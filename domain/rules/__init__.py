"""The rules of DOMAIN.md §3, one module per stage; each rule id is raised in its stage's module,
against the typed case state of ``domain.rules.state``."""
