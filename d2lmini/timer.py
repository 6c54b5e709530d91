"""A stopwatch that records a list of intervals, like d2l's ``Timer``."""

from __future__ import annotations

import time

import numpy as np


class Timer:
    """Record intervals with :func:`time.perf_counter`.

    The timer starts when it is created; ``stop()`` appends the time since the
    last ``start()`` and returns it.

    >>> timer = Timer()
    >>> _ = timer.stop()
    >>> len(timer.times)
    1
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) the current interval."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """End the current interval, record it and return its length in seconds."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """Mean recorded interval."""
        if not self.times:
            raise ValueError("Timer.avg() needs at least one recorded interval; call stop() first")
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """Total of the recorded intervals (0 if there are none)."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """Running totals of the recorded intervals."""
        return np.cumsum(self.times).tolist()
