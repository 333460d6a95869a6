"""Reader of parallel text corpora stored one sentence a line."""

import gzip
import os


def read_lines(path, limit=None):
    """The lines of a UTF-8 text file (plain or .gz), without newlines."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    return lines[:limit] if limit else lines


def read_parallel(folder, split, source_lang, target_lang, limit=None):
    """Aligned (sources, targets) from `folder/{split}.{lang}` files, plain
    or gzipped (the layout of Multi30k, WMT and IWSLT releases).

    Raises:
        FileNotFoundError naming the missing file; ValueError when the two
        sides differ in length.
    """
    sides = []
    for lang in (source_lang, target_lang):
        base = os.path.join(folder, f"{split}.{lang}")
        path = base if os.path.exists(base) else base + ".gz"
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"No {split} file for language {lang!r}: neither {base} nor {base}.gz exists."
            )
        sides.append(read_lines(path, limit))
    if len(sides[0]) != len(sides[1]):
        raise ValueError(
            f"{split}.{source_lang} has {len(sides[0])} lines but {split}.{target_lang} has {len(sides[1])}."
        )
    return sides[0], sides[1]
