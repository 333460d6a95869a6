"""The `zoo` command line."""

import argparse
import os
import sys


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = argparse.ArgumentParser(prog="zoo", description="A Keras 3 model zoo of recurrent networks.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run the shipped models on embedded inputs and write the outputs")
    demo.add_argument("--out", default="zoo_demo", help="output folder (default: ./zoo_demo)")
    translate = sub.add_parser("translate", help="translate English to German with the shipped translator")
    translate.add_argument("text", nargs="+", help="text(s) to translate")
    translate.add_argument("--preset", default="translator_multi30k_en_de", help="preset name, folder or URL")
    translate.add_argument("--greedy", action="store_true", help="greedy search instead of beam search")
    translate.add_argument("--beam-size", type=int, default=4)
    classify = sub.add_parser("classify", help="classify texts (movie-review polarity by default)")
    classify.add_argument("text", nargs="+", help="text(s) to classify")
    classify.add_argument("--preset", default="text_classifier_polarity", help="preset name, folder or URL")
    generate = sub.add_parser("generate-text", help="generate text with a character language model")
    generate.add_argument("--prime", default="ROMEO:", help="text the model continues (default: ROMEO:)")
    generate.add_argument("--length", type=int, default=500, help="characters to generate")
    generate.add_argument("--temperature", type=float, default=0.8)
    generate.add_argument("--top-k", type=int, default=None)
    generate.add_argument("--top-p", type=float, default=None)
    generate.add_argument("--seed", type=int, default=None)
    generate.add_argument(
        "--preset",
        default="char_lm_shakespeare",
        help="preset name, folder (e.g. the recipe's runs/char_lm/preset) or URL",
    )
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except ValueError as e:  # bad arguments and presets (PresetError) alike: one line, no traceback
        print(f"zoo {args.command}: {e}", file=sys.stderr)
        return 2


def _run(parser, args):
    if args.version:
        import zoo

        print(zoo.__version__)
        return 0
    if args.command == "demo":
        from zoo import demo as demo_module

        demo_module.run(args.out)
        return 0
    if args.command == "translate":
        from zoo.applications import Translator

        translator = Translator.from_preset(args.preset)
        sampler = "greedy" if args.greedy else "beam"
        for line in translator.translate(list(args.text), sampler=sampler, beam_size=args.beam_size):
            print(line)
        return 0
    if args.command == "classify":
        from zoo.applications import TextClassifier

        classifier = TextClassifier.from_preset(args.preset)
        for text, result in zip(args.text, classifier.classify(list(args.text))):
            print(f"{result.label}\t{result.probabilities[result.label]:.3f}\t{text}")
        return 0
    if args.command == "generate-text":
        from zoo import presets
        from zoo.applications import CharLM

        if args.preset == "char_lm_shakespeare" and args.preset not in presets.shipped():
            raise ValueError(
                "the char_lm_shakespeare preset is not shipped in this version: train one with "
                "`python applications/char_lm/train.py --out runs/char_lm` and pass "
                "--preset runs/char_lm/preset."
            )
        model = CharLM.from_preset(args.preset)
        text = model.generate(
            args.prime,
            args.length,
            temperature=args.temperature,
            top_k=args.top_k,
            top_p=args.top_p,
            seed=args.seed,
            unknown="replace",
        )
        print(args.prime + text)
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
