"""The chunks of areas a batch's kernels share: whole peer groups taken one at a time, split at the end.

The batch (:mod:`assessment.orchestration.batch`) gives each kernel thread a
chunk of areas of one peer group, so a kernel draws the group's shared chart
bases once. At the end of a batch, a kernel with nothing left takes half of
what another still has to render, so the two finish together.
"""

from __future__ import annotations

import collections
import threading


class SharedChunks:
    """The batch's chunks of areas, taken by its kernel threads one chunk at a time.

    A thread that finds none left waits while another is still rendering, and the busy one then hands
    it the back half of what is left of its chunk (:meth:`share`), so the kernels finish together: with
    whole chunks only, the last chunk of a national job (ten counties, 2-3 s each) ran for 21 s on one
    kernel while the other had nothing to do. A split costs the other kernel its own drawing of the
    chunk's shared chart bases, paid only where that kernel would otherwise be idle.

    >>> chunks = SharedChunks([[("a", "f"), ("b", "f")]])
    >>> chunks.take()
    [('a', 'f'), ('b', 'f')]
    >>> chunks.done([]); chunks.take() is None   # nothing left and nobody rendering: the batch is done
    True
    """

    #: Seconds between a waiting thread's checks (it is woken at once when work comes or ends).
    POLL = 5.0

    def __init__(self, chunks):
        self._pending = collections.deque(list(chunk) for chunk in chunks)
        self._busy = 0      # threads holding a chunk
        self._waiting = 0   # threads waiting for one
        self._changed = threading.Condition()

    def take(self) -> list | None:
        """The next chunk (it must be given back with :meth:`done`), or None once every area has been taken
        and no other thread is rendering; waits while another is (it may share)."""
        with self._changed:
            while not self._pending:
                if self._busy == 0:
                    return None
                self._waiting += 1
                try:
                    self._changed.wait(self.POLL)
                finally:
                    self._waiting -= 1
            self._busy += 1
            return self._pending.popleft()

    def share(self, rest: list) -> list:
        """What a thread keeps of ``rest``, the areas of its chunk still to render: all of it, or its
        first half when another thread waits and no chunk is left (the second half goes to that thread)."""
        with self._changed:
            if not self._waiting or self._pending or len(rest) < 2:
                return rest
            half = len(rest) // 2
            self._pending.append(rest[half:])
            self._changed.notify()
            return rest[:half]

    def done(self, leftover: list) -> None:
        """A thread is finished with its chunk; ``leftover``: its areas not rendered (a kernel that stopped),
        put back first for another kernel."""
        with self._changed:
            self._busy -= 1
            if leftover:
                self._pending.appendleft(leftover)
            self._changed.notify_all()
