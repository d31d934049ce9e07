"""banli's entry points: the ``banli`` command and the composition root that wires it.

They sit above everything they wire (``domain``, ``projections``, ``infra``, ``consumers``,
``api``, ``demo``), and nothing below imports them (``tests/unit/test_import_arrows.py``).
"""
