"""Project-wide pytest plugins: nbval also compares the stored figures (tests/nbval_figures.py)
and skips a notebook whose optional packages are missing (tests/nbval_requires.py)."""

pytest_plugins = ["tests.nbval_figures", "tests.nbval_requires"]
