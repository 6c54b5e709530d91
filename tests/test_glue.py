"""d2l.glue sends what myst_nb.glue sends, without importing myst_nb."""

import subprocess
import sys

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

import d2lmini as d2l


@pytest.fixture
def published(monkeypatch):
    """Every display message sent while the test runs, as (data, metadata)."""
    shell = InteractiveShell.instance()
    sent = []
    monkeypatch.setattr(shell.display_pub, "publish",
                        lambda data, metadata=None, **kw: sent.append((data, metadata)))
    return sent


@pytest.mark.parametrize("value", [0.2644, 12, "x1: -2.382563", [1, 2]])
@pytest.mark.parametrize("display", [True, False])
def test_the_message_is_myst_nbs(published, value, display):
    from myst_nb import glue as myst_glue

    myst_glue("name", value, display=display)
    d2l.glue("name", value, display=display)
    assert len(published) == 2 and published[0] == published[1]


def test_a_numpy_scalar_is_glued_as_its_number(published):
    d2l.glue("ratio", np.float64(12.875), display=False)
    data, metadata = published[0]
    assert data == {"application/papermill.record/text/plain": "12.875"}
    assert metadata["scrapbook"] == {"name": "ratio", "mime_prefix": "application/papermill.record/"}


def test_the_name_must_be_a_string(published):
    with pytest.raises(TypeError, match="name"):
        d2l.glue(3, 1.0)
    assert published == []


def test_importing_glue_imports_neither_myst_nb_nor_ipython():
    code = "import sys, d2lmini; assert 'myst_nb' not in sys.modules and 'IPython' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
