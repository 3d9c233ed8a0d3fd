"""SVG and PNG through Graphviz's `dot` program, when it is installed."""

from __future__ import annotations

import logging
import shutil
import subprocess

from convex_schema.errors import ConvexSchemaError

logger = logging.getLogger(__name__)

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: "
    "`brew install graphviz`), or use --format dot or mermaid"
)


class GraphvizMissing(ConvexSchemaError):
    """Graphviz's `dot` is not on PATH."""


def render_image(dot_text: str, image_format: str) -> bytes:
    """`dot_text` drawn as `svg` or `png` by Graphviz's `dot`."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(
            f"--format {image_format} needs Graphviz's `dot`: {INSTALL_HINT}"
        )
    logger.info("drawing %s with %s", image_format, program)
    done = subprocess.run(
        [program, f"-T{image_format}"],
        input=dot_text.encode(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise ConvexSchemaError(f"Graphviz's dot failed: {message}")
    return done.stdout
