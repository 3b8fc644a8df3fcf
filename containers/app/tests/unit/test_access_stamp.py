"""FileAccessStamp: one counter shared by the processes of a host, through a file they all map."""

from __future__ import annotations

import os
from pathlib import Path

from mymonit.access_stamp import FileAccessStamp, access_stamp_path


def test_every_process_sees_each_others_advance(tmp_path: Path) -> None:
    path = tmp_path / "stamp"
    api_worker, cli = FileAccessStamp(path), FileAccessStamp(path)
    before = api_worker.current()

    cli.advance()

    assert api_worker.current() == before + 1 == cli.current()


def test_a_forked_child_and_its_parent_share_the_counter(tmp_path: Path) -> None:
    stamp = FileAccessStamp(tmp_path / "stamp")
    before = stamp.current()
    child = os.fork()
    if child == 0:
        stamp.advance()
        os._exit(0)
    os.waitpid(child, 0)

    assert stamp.current() == before + 1


def test_a_file_open_to_others_is_not_trusted_and_nothing_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "stamp"
    path.write_bytes(bytes(8))
    path.chmod(0o666)
    stamp = FileAccessStamp(path)

    assert stamp.current() != stamp.current()
    stamp.advance()  # harmless
    assert path.read_bytes() == bytes(8)


def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_bytes(bytes(8))
    target.chmod(0o600)
    (tmp_path / "stamp").symlink_to(target)
    stamp = FileAccessStamp(tmp_path / "stamp")

    assert stamp.current() != stamp.current()


def test_each_database_has_a_stamp_of_its_own() -> None:
    assert access_stamp_path("db", 3306, "my_monit") != access_stamp_path("db", 3306, "my_monit_test")
    assert access_stamp_path("db", 3306, "my_monit") == access_stamp_path("db", 3306, "my_monit")
