"""How this process runs: the `convex-schema` console script, which ends
when its one command ends, or a library inside a longer-lived process (the
tests, an editor integration)."""

from __future__ import annotations

# Set by the console script. A one-shot process need not give memory back:
# the analyzer leaves the garbage collector off once it has turned it off
# (re-enabling it would start a pass over the whole analysis).
one_shot = False
# Set by a command that leaves a large heap and nothing open to close: the
# console script then exits without freeing it object by object.
fast_exit = False

# What a one-shot command keeps alive until the process ends (see `keep`).
_kept: list[object] = []


def keep(value: object) -> None:
    """In a one-shot process, hold `value` until the process ends. A large
    analysis dropped when its command returns is freed object by object
    (some 50 ms); with `fast_exit` the process ends without freeing it."""
    if one_shot and fast_exit:
        _kept.append(value)
