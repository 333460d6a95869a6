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


def test_generate_text_with_a_preset_folder(tmp_path, capsys):
    from zoo.applications import CharLM

    model = CharLM(
        CharLM.build_vocabulary("ROMEO: a rose by any other name"), embedding_dim=4, units=8, layers=1
    )
    folder = str(tmp_path / "preset")
    model.save_to_preset(folder)
    args = ["generate-text", "--preset", folder, "--length", "40", "--seed", "3"]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert first.startswith("ROMEO:") and len(first.rstrip("\n")) >= len("ROMEO:") + 1
    assert cli.main(args) == 0 and capsys.readouterr().out == first  # same seed, same text
    assert cli.main([*args[:-2], "--seed", "4", "--prime", "Zzz"]) == 0  # unseen characters are replaced
    assert cli.main([*args[:3], "--length", "0"]) == 2
    assert "`length` must be a positive integer" in capsys.readouterr().err


def test_generate_text_without_a_shipped_preset(capsys):
    from zoo import presets

    if "char_lm_shakespeare" in presets.shipped():
        pytest.skip("the CharLM preset is shipped")
    assert cli.main(["generate-text"]) == 2
    assert "applications/char_lm/train.py" in capsys.readouterr().err


def test_unknown_preset_is_one_line_not_a_traceback(capsys):
    assert cli.main(["classify", "a film", "--preset", "no_such_preset"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zoo classify: ") and "no_such_preset" in err and "Traceback" not in err
