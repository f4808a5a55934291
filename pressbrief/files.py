"""A path → its bytes, only when it is a regular file of bounded size.

Every file pressbrief reads from a project (documents, config, images, logo, recipients
CSV, fonts, layouts) goes through `read_regular`: a FIFO would block the read forever and
a device or a folder makes no sense, so anything but a regular file is refused with what
it is before a byte is read, and a file over its size limit is refused without reading it.
Refusals are `OSError`s whose `strerror` says what is wrong, so callers that already
report unreadable files report these too.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import OutputError

_UMASK = os.umask(0o022)
os.umask(_UMASK)

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def kind(mode: int) -> str:
    """What a file of `mode` (from stat) is, in words."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _not_regular(mode: int, path: Path) -> OSError | None:
    """The refusal of a file of `mode` that is not a regular file, or None if it is one."""
    if stat.S_ISREG(mode):
        return None
    return OSError(errno.EINVAL, f"is {kind(mode)}, not a regular file", str(path))


def check_regular(path: Path) -> None:
    """OSError unless `path` is (or links to) a regular file; never opens it."""
    if refusal := _not_regular(os.stat(path).st_mode, path):
        raise refusal


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`; OSError if it is not a regular file or is over `limit` bytes."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just after.
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(handle)
        if refusal := _not_regular(info.st_mode, path):
            raise refusal
        if limit is not None and info.st_size > limit:
            message = f"is {info.st_size:,} bytes; the limit is {limit:,}"
            raise OSError(errno.EFBIG, message, str(path))
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as file:
        data = file.read() if limit is None else file.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while we read
        raise OSError(errno.EFBIG, f"is over {limit:,} bytes", str(path))
    return data


def check_output(path: Path) -> None:
    """OutputError unless `path` may receive a PDF: it must be named .pdf (so no source file,
    pressbrief.yaml or brief, is ever overwritten by mistake) and, if it exists, be a
    regular file (never a device, a FIFO or a folder)."""
    if path.suffix.lower() != ".pdf":
        raise OutputError(
            f"{path}: not a .pdf file name; pressbrief writes PDFs only to files named "
            "*.pdf, so that no source file is overwritten"
        )
    check_replaceable(path)


def check_replaceable(path: Path) -> None:
    """OutputError if `path` exists and is not a regular file (a device, FIFO, folder)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # nothing there (or nothing reachable): writing will say what is wrong
    if refusal := _not_regular(mode, path):
        raise OutputError(f"{path}: {refusal.strerror}; nothing was written")


def write_atomic(data: bytes, output: Path) -> None:
    """Write `data` to `output` through a temporary file and a rename: never a partial file,
    and never in place of something that is not a regular file (a device, a FIFO)."""
    check_replaceable(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=output.parent, prefix=".pressbrief-", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; a PDF is to be shared
            os.replace(temporary, output)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise OutputError(f"{output}: cannot write the PDF: {error.strerror or error}") from error
