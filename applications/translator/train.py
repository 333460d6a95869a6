"""Train the translator preset on Multi30k (en -> de) and report BLEU.

    python applications/translator/train.py --data ../shared/data/multi30k --out runs/translator

Writes the preset folder, the training log and the evaluation (sacrebleu BLEU
on the validation set, greedy and beam, by source length) to --out.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from zoo.applications import Translator  # noqa: E402
from zoo.data import read_parallel  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--data",
        default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "multi30k"),
    )
    p.add_argument("--out", default="runs/translator")
    p.add_argument("--source", default="en")
    p.add_argument("--target", default="de")
    p.add_argument("--attention", default="bahdanau", choices=["bahdanau", "luong", "none"])
    p.add_argument("--cell", default="GRU")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--embedding-dim", type=int, default=256)
    p.add_argument("--encoder-units", type=int, default=256)
    p.add_argument("--decoder-units", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.3)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--limit", type=int, default=None, help="use the first N training pairs (smoke runs)")
    p.add_argument("--jit", action="store_true")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)
    src, tgt = read_parallel(args.data, "train", args.source, args.target, args.limit)
    val_src, val_tgt = read_parallel(args.data, "val", args.source, args.target)
    src_vocab, tgt_vocab = Translator.build_vocabularies(src, tgt, min_count=args.min_count)
    print(f"vocabularies: {len(src_vocab)} {args.source}, {len(tgt_vocab)} {args.target}", flush=True)
    model = Translator(
        src_vocab,
        tgt_vocab,
        embedding_dim=args.embedding_dim,
        encoder_units=args.encoder_units,
        decoder_units=args.decoder_units,
        cell=args.cell,
        attention=args.attention,
        dropout=args.dropout,
    )
    model.compile(optimizer=keras.optimizers.Adam(args.lr, clipnorm=1.0), jit_compile=args.jit)
    train = model.prepare(src, tgt, batch_size=args.batch_size)
    val = model.prepare(val_src, val_tgt, batch_size=args.batch_size, shuffle=False)
    start = time.time()
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, verbose=1),
        keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
        keras.callbacks.CSVLogger(os.path.join(args.out, "log.csv")),
        keras.callbacks.BackupAndRestore(os.path.join(args.out, "backup")),
    ]
    model.fit(train, validation_data=val, epochs=args.epochs, callbacks=callbacks, verbose=2)
    train_seconds = time.time() - start
    model.save_to_preset(
        os.path.join(args.out, "preset"),
        metadata={
            "data": "Multi30k task 1 (Elliott et al. 2016), train split, 29,000 pairs",
            "data_license": "research use; cite Elliott et al. 2016 (no license file in the dataset)",
            "recipe": "python applications/translator/train.py "
            + " ".join(
                f"--{k.replace('_', '-')} {v}"
                for k, v in vars(args).items()
                if k not in ("data", "out", "limit") and v not in (None, False)
            ),
            "train_seconds": round(train_seconds),
        },
    )
    from zoo.applications.translator_eval import evaluate

    report = evaluate(model, val_src, val_tgt)
    report["train_seconds"] = round(train_seconds)
    with open(os.path.join(args.out, "eval.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
