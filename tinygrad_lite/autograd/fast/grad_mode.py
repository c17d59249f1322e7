"""Grad mode read without a thread-local lookup (just an optimization: same switches).

Reading an attribute of a ``threading.local`` costs as much as a few dozen plain reads, and
every op asks "is grad mode on?" and "is anomaly mode or save_inputs on?". So the fast
engine keeps one entry per thread that has grad mode off (``GRAD_OFF_THREADS``) and per
thread that watches every op (``WATCHING_THREADS``): while one is empty, no thread has
flipped that switch, this one included, and the thread-local is not read at all. A thread
that ends with a switch flipped takes its entries with it (``ThreadMarker``).

``install_counting_state`` gives ``grad_mode.STATE`` the class ``CountingState``, whose
setters keep the counts; ``remove_counting_state`` undoes it. Only the calling thread's
switches are carried over: swap engines while no other thread has flipped a switch.
"""

from __future__ import annotations

from .. import grad_mode as _grad_mode

__all__ = ["ThreadEntries", "GRAD_OFF_THREADS", "WATCHING_THREADS", "FREEING_THREADS",
           "ThreadMarker", "CountingState"]  # fmt: skip


class ThreadEntries(list):
    """One entry per thread that has a switch flipped: empty (falsy) when no thread has.
    ``append`` and ``pop`` are atomic, so no lock is needed."""

    __slots__ = ()

    def change(self, by: int) -> None:
        self.append(None) if by > 0 else self.pop()


GRAD_OFF_THREADS = ThreadEntries()  # one entry per thread with grad mode off
WATCHING_THREADS = ThreadEntries()  # one entry per thread with anomaly mode or save_inputs on
FREEING_THREADS = ThreadEntries()  # one entry per thread inside autograd.graph.free_values()


class ThreadMarker:
    """Which entries one thread has in ``GRAD_OFF_THREADS``, ``WATCHING_THREADS`` and
    ``FREEING_THREADS`` (kept in the thread's state, made on its first flip). When the thread
    ends, its thread-local state is dropped with the marker, which takes the entries out:
    none outlives the thread."""

    __slots__ = ("off", "watching", "freeing")

    def __init__(self) -> None:
        self.off = self.watching = self.freeing = False

    def __del__(self) -> None:
        if self.off:
            GRAD_OFF_THREADS.pop()
        if self.watching:
            WATCHING_THREADS.pop()
        if self.freeing:
            FREEING_THREADS.pop()


class CountingState(_grad_mode.GradModeState):
    """``GradModeState`` whose setters keep ``GRAD_OFF_THREADS`` and ``WATCHING_THREADS``."""

    _grad_enabled = True
    _anomaly = False
    _save_inputs = False
    _free_values = False
    _marker: ThreadMarker | None = None  # this thread's entries (see ThreadMarker)

    def marker(self) -> ThreadMarker:
        """This thread's ``ThreadMarker`` (made on first need)."""
        marker = self._marker
        if marker is None:
            marker = self._marker = ThreadMarker()
        return marker

    @property  # type: ignore[override]
    def free_values(self) -> bool:
        return self._free_values

    @free_values.setter
    def free_values(self, on: bool) -> None:
        on = bool(on)
        if on is not self._free_values:
            FREEING_THREADS.change(1 if on else -1)
            self._free_values = on
            self.marker().freeing = on

    @property  # type: ignore[override]
    def grad_enabled(self) -> bool:
        return self._grad_enabled

    @grad_enabled.setter
    def grad_enabled(self, on: bool) -> None:
        on = bool(on)
        if on is not self._grad_enabled:
            GRAD_OFF_THREADS.change(-1 if on else 1)
            self._grad_enabled = on
            self.marker().off = not on

    @property  # type: ignore[override]
    def anomaly(self) -> bool:
        return self._anomaly

    @anomaly.setter
    def anomaly(self, on: bool) -> None:
        self._watch(self._anomaly or self._save_inputs, bool(on) or self._save_inputs)
        self._anomaly = bool(on)

    @property  # type: ignore[override]
    def save_inputs(self) -> bool:
        return self._save_inputs

    @save_inputs.setter
    def save_inputs(self, on: bool) -> None:
        self._watch(self._anomaly or self._save_inputs, bool(on) or self._anomaly)
        self._save_inputs = bool(on)

    def _watch(self, was: bool, now: bool) -> None:
        if was != now:
            WATCHING_THREADS.change(1 if now else -1)
            self.marker().watching = now


def switch_grad_mode(on: bool) -> bool:
    """``grad_mode.switch_grad_mode`` on a ``CountingState`` (one property call fewer)."""
    state = _grad_mode.STATE
    previous = state._grad_enabled
    if on is not previous:
        GRAD_OFF_THREADS.pop() if on else GRAD_OFF_THREADS.append(None)
        state._grad_enabled = on
        marker = state._marker
        if marker is None:
            marker = state._marker = ThreadMarker()
        marker.off = not on
    return previous


_COUNTED = ("grad_enabled", "anomaly", "save_inputs", "free_values")


def install_counting_state() -> None:
    """Make ``grad_mode.STATE`` a ``CountingState``, keeping this thread's switches."""
    state = _grad_mode.STATE
    if type(state) is CountingState:
        return
    current = {name: getattr(state, name) for name in _COUNTED}
    for name in _COUNTED:
        state.__dict__.pop(name, None)
    state.__class__ = CountingState
    for name, value in current.items():
        setattr(state, name, value)


def remove_counting_state() -> None:
    """Give ``grad_mode.STATE`` back its plain class, keeping this thread's switches."""
    state = _grad_mode.STATE
    if type(state) is not CountingState:
        return
    current = {name: getattr(state, name) for name in _COUNTED}
    for name in _COUNTED:
        setattr(state, name, type(state).__mro__[1].__dict__[name])  # back to the default
    for name in _COUNTED:
        state.__dict__.pop("_" + name, None)
    state.__dict__.pop("_marker", None)  # (its flags are off: the setters above cleared them)
    state.__class__ = _grad_mode.GradModeState
    for name, value in current.items():
        if value != getattr(state, name):
            setattr(state, name, value)
