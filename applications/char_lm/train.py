"""Train the CharLM preset on Tiny Shakespeare and report nats/bits per character.

    python applications/char_lm/train.py --data ../shared/data/tinyshakespeare/input_train.txt --out runs/char_lm

The last --val-fraction of the text is held out for validation (never
trained on). Writes the preset folder, the training log (log.csv), samples
at several temperatures and eval.json (validation nats and bits per
character, read statefully over the whole held-out text with `score`) to
--out. `--distribute` as in applications/translator/train.py; training
resumes from --out/backup after an interruption
(zoo.callbacks.BackupAndRestore) and stops at the first non-finite loss
(zoo.callbacks.StopOnNonFinite).
"""

import argparse
import json
import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from zoo import callbacks as zoo_callbacks  # noqa: E402
from zoo import distribute  # noqa: E402
from zoo.applications import CharLM  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data", "tinyshakespeare", "input_train.txt")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=DATA)
    p.add_argument("--out", default="runs/char_lm")
    p.add_argument("--cell", default="LSTM")
    p.add_argument("--units", type=int, default=512)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--embedding-dim", type=int, default=64)
    p.add_argument("--dropout", type=float, default=0.25)
    p.add_argument("--seq-length", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=64, help="global batch size (contiguous streams)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clipnorm", type=float, default=5.0)
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--limit", type=int, default=None, help="use the first N characters (smoke runs)")
    p.add_argument("--jit", action="store_true")
    p.add_argument("--distribute", default="none", choices=distribute.STRATEGIES)
    args = p.parse_args()
    strategy = distribute.get_strategy(args.distribute)  # first: collectives start before other ops
    keras.utils.set_random_seed(0)

    with open(args.data, encoding="utf-8") as f:
        text = f.read()[: args.limit]
    if not 0 < args.val_fraction < 1:
        raise SystemExit(f"--val-fraction must be in (0, 1); received {args.val_fraction}")
    split = int(len(text) * (1 - args.val_fraction))
    train_text, val_text = text[:split], text[split:]
    vocabulary = CharLM.build_vocabulary(train_text)
    print(f"{len(train_text)} training and {len(val_text)} validation characters, {len(vocabulary)} symbols")
    with strategy.scope():
        model = CharLM(
            vocabulary,
            embedding_dim=args.embedding_dim,
            units=args.units,
            layers=args.layers,
            cell=args.cell,
            dropout=args.dropout,
            batch_size=args.batch_size,
        )
        model.compile(
            optimizer=keras.optimizers.Adam(args.lr, global_clipnorm=args.clipnorm), jit_compile=args.jit
        )
    print(f"{model.count_params()} parameters")
    train = model.prepare(train_text, seq_length=args.seq_length)
    val = model.prepare(val_text, seq_length=args.seq_length)
    out = distribute.worker_folder(args.out)
    os.makedirs(out, exist_ok=True)
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_nats_per_char", mode="min", factor=0.5, patience=1, verbose=1
        ),
        keras.callbacks.EarlyStopping(
            monitor="val_nats_per_char", mode="min", patience=3, restore_best_weights=True
        ),
        keras.callbacks.CSVLogger(os.path.join(out, "log.csv")),
        zoo_callbacks.BackupAndRestore(os.path.join(out, "backup")),
        zoo_callbacks.StopOnNonFinite(),
    ]
    start = time.time()
    model.fit(train, validation_data=val, epochs=args.epochs, callbacks=callbacks, verbose=2)
    train_seconds = time.time() - start
    if not distribute.is_chief():
        return
    nats = model.score(val_text, unknown="replace")
    report = {
        "val_nats_per_char": round(nats, 4),
        "val_bits_per_char": round(nats / math.log(2), 4),
        "val_perplexity": round(math.exp(nats), 3),
        "val_characters": len(val_text),
        "parameters": model.count_params(),
        "train_seconds": round(train_seconds),
        "samples": {
            str(t): model.generate("ROMEO:", 300, temperature=t, seed=0) for t in (0.0, 0.5, 0.8, 1.0)
        },
    }
    recipe = "python applications/char_lm/train.py " + " ".join(
        f"--{k.replace('_', '-')} {v}"
        for k, v in vars(args).items()
        if k not in ("data", "out", "limit") and v not in (None, False)
    )
    model.save_to_preset(
        os.path.join(out, "preset"),
        metadata={
            "data": f"Tiny Shakespeare (Karpathy, char-rnn), input_train.txt, first "
            f"{1 - args.val_fraction:.0%} ({len(train_text)} characters); the rest held out for validation",
            "data_license": "public domain (the works of Shakespeare)",
            "recipe": recipe,
            "val_nats_per_char": report["val_nats_per_char"],
            "val_bits_per_char": report["val_bits_per_char"],
            "train_seconds": report["train_seconds"],
            "replicas": strategy.num_replicas_in_sync,
        },
    )
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
