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


def test_translate_with_shipped_preset(capsys):
    from zoo import presets

    if "translator_multi30k_en_de" not in presets.shipped():
        pytest.skip("the translator preset is not shipped in this checkout")
    assert cli.main(["translate", "A man is riding a bike.", "Two dogs.", "--greedy"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all(lines)


def test_classify_with_a_preset_folder(tmp_path, capsys):
    from zoo.applications import TextClassifier

    texts = ["a fine film", "a dull film"]
    model = TextClassifier(
        TextClassifier.build_vocabulary(texts, min_count=1),
        ["negative", "positive"],
        embedding_dim=4,
        units=4,
    )
    folder = str(tmp_path / "preset")
    model.save_to_preset(folder)
    assert cli.main(["classify", "a fine film", "unknown words", "--preset", folder]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[2] for line in lines] == ["a fine film", "unknown words"]
    assert all(line.split("\t")[0] in ("negative", "positive") for line in lines)
    assert cli.main(["classify", "  ", "--preset", folder]) == 2
    assert "has no tokens" in capsys.readouterr().err


def test_classify_with_shipped_preset(capsys):
    from zoo import presets

    if "text_classifier_polarity" not in presets.shipped():
        pytest.skip("the text classifier preset is not shipped in this checkout")
    assert cli.main(["classify", "a gorgeous, witty film", "a tedious, lifeless mess"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["positive", "negative"]
