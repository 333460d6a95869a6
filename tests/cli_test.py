import subprocess
import sys

import pytest

import zoo
from zoo import cli


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == zoo.__version__


def test_help_without_command(capsys):
    assert cli.main([]) == 2


def test_unknown_command():
    with pytest.raises(SystemExit):
        cli.main(["nope"])


def test_console_entry_point_demo(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "zoo.cli", "demo", "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "summary.json" in proc.stdout
    assert (tmp_path / "d" / "cells.png").exists()
