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
