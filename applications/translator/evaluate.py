"""Evaluate translator presets on Multi30k and draw an attention figure.

    python applications/translator/evaluate.py PRESET [PRESET ...] --out eval.json

Prints and writes sacrebleu BLEU/chrF (cased, default 13a tokenization, raw
references), greedy and beam, overall and by source length, per preset.
"""

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from zoo.applications import Translator  # noqa: E402
from zoo.applications.translator_eval import evaluate  # noqa: E402
from zoo.data import read_parallel  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("presets", nargs="+")
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data", "multi30k"))
    p.add_argument("--split", default="val")
    p.add_argument("--beam-size", type=int, default=4)
    p.add_argument("--length-penalty", type=float, default=0.6)
    p.add_argument("--figure", default=None, help="write the attention plot of one sentence here (PNG)")
    p.add_argument("--out", default=None)
    args = p.parse_args()
    sources, references = read_parallel(args.data, args.split, "en", "de")
    reports = {}
    for preset in args.presets:
        model = Translator.from_preset(preset)
        reports[preset] = evaluate(model, sources, references, args.beam_size, args.length_penalty)
        reports[preset]["config"] = {
            k: v for k, v in model.get_config().items() if not k.endswith("vocabulary")
        }
        print(
            preset,
            json.dumps({k: reports[preset][k] for k in ("greedy", "beam", "by_source_length")}, indent=1),
        )
        if args.figure and model.attention != "none":
            ax = model.plot_attention("A little girl in a pink dress is climbing a tree in the park.")
            ax.figure.savefig(args.figure, dpi=110)
            args.figure = None
    if args.out:
        with open(args.out, "w") as f:
            json.dump(reports, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
