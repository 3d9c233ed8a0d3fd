"""Writing a user's files: atomically (temp file + rename), with a backup."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def write_atomic(path: Path, text: str, backup_dir: Path | None = None) -> Path | None:
    """Replace `path` with `text`; keep the old file in `backup_dir` first.

    Returns where the backup went, or None when there was no old file.
    """
    backup: Path | None = None
    if path.exists() and backup_dir is not None:
        backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = backup_dir / f"{stamp}-{path.name}"
        counter = 1
        while backup.exists():
            backup = backup_dir / f"{stamp}-{counter}-{path.name}"
            counter += 1
        shutil.copy2(path, backup)
        logger.info("backed up %s to %s", path, backup)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            shutil.copymode(path, temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return backup
