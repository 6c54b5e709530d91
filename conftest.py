"""Project-wide pytest plugins: nbval also compares the stored figures (tests/nbval_figures.py)."""

pytest_plugins = ["tests.nbval_figures"]
