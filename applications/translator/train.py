"""Train the translator preset on Multi30k (en -> de) and report BLEU.

    python applications/translator/train.py --data ../shared/data/multi30k --out runs/translator

Writes the preset folder, the training log and the evaluation (sacrebleu BLEU
on the validation set, greedy and beam, by source length) to --out.

At scale: `--data` may also be a folder of shards (`train-*-of-*.txt.gz`,
`source<TAB>target` a line, written by `--write-shards`), streamed from disk
so the corpus need not fit in memory; `--distribute mirrored` trains on all
local devices, `--distribute multiworker` on the cluster that TF_CONFIG
names (run the same command on every worker; the chief writes the results),
`--distribute data_parallel` on all devices under the JAX backend. Training
resumes from `--out/backup` after an interruption to the weights of an
uninterrupted run (zoo.callbacks.BackupAndRestore), and stops at the first
non-finite loss keeping the last good weights (zoo.callbacks.StopOnNonFinite).
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from zoo import callbacks as zoo_callbacks  # noqa: E402
from zoo import distribute  # noqa: E402
from zoo.applications import Translator  # noqa: E402
from zoo.data import read_parallel, shards  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data", "multi30k"))
    p.add_argument("--out", default="runs/translator")
    p.add_argument("--source", default="en")
    p.add_argument("--target", default="de")
    p.add_argument("--attention", default="bahdanau", choices=["bahdanau", "luong", "none"])
    p.add_argument("--cell", default="GRU")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=64, help="global batch size")
    p.add_argument("--embedding-dim", type=int, default=256)
    p.add_argument("--encoder-units", type=int, default=256)
    p.add_argument("--decoder-units", type=int, default=256)
    p.add_argument("--dropout", type=float, default=0.3)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--limit", type=int, default=None, help="use the first N pairs of each split (smoke runs)")
    p.add_argument("--jit", action="store_true")
    p.add_argument("--distribute", default="none", choices=distribute.STRATEGIES)
    p.add_argument(
        "--write-shards", metavar="DIR", help="write --data's train split as shards to DIR and exit"
    )
    p.add_argument("--num-shards", type=int, default=8)
    args = p.parse_args()
    strategy = distribute.get_strategy(args.distribute)  # first: collectives start before other ops
    keras.utils.set_random_seed(0)

    if args.write_shards:
        for split, num_shards in (("train", args.num_shards), ("val", 1)):
            src, tgt = read_parallel(args.data, split, args.source, args.target, args.limit)
            paths = Translator.write_shards(src, tgt, args.write_shards, num_shards, prefix=split)
            print(f"wrote {len(src)} {split} pairs into {len(paths)} shard(s) in {args.write_shards}")
        return
    streamed = bool(glob_shards(args.data))
    if streamed:
        train_paths = shards.shard_files(args.data, "train")
        src_vocab, tgt_vocab = Translator.build_vocabularies_from_files(train_paths, min_count=args.min_count)
        val_pairs = [
            line.split("\t", 1) for line in shards.iterate_lines(shards.shard_files(args.data, "val"))
        ]
        val_src = [s for s, _ in val_pairs][: args.limit]
        val_tgt = [t for _, t in val_pairs][: args.limit]
    else:
        src, tgt = read_parallel(args.data, "train", args.source, args.target, args.limit)
        val_src, val_tgt = read_parallel(args.data, "val", args.source, args.target, args.limit)
        src_vocab, tgt_vocab = Translator.build_vocabularies(src, tgt, min_count=args.min_count)
    print(f"vocabularies: {len(src_vocab)} {args.source}, {len(tgt_vocab)} {args.target}", flush=True)
    with strategy.scope():
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
    if streamed:
        train = model.prepare_files(train_paths, batch_size=args.batch_size, seed=0)
    else:
        train = model.prepare(src, tgt, batch_size=args.batch_size)
    val = model.prepare(val_src, val_tgt, batch_size=args.batch_size, shuffle=False)
    out = distribute.worker_folder(args.out)
    os.makedirs(out, exist_ok=True)
    start = time.time()
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, verbose=1),
        keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
        keras.callbacks.CSVLogger(os.path.join(out, "log.csv")),
        zoo_callbacks.BackupAndRestore(os.path.join(out, "backup")),
        zoo_callbacks.StopOnNonFinite(),
    ]
    model.fit(train, validation_data=val, epochs=args.epochs, callbacks=callbacks, verbose=2)
    train_seconds = time.time() - start
    if not distribute.is_chief():
        return
    model.save_to_preset(
        os.path.join(out, "preset"),
        metadata={
            "data": "Multi30k task 1 (Elliott et al. 2016), train split, 29,000 pairs",
            "data_license": "research use; cite Elliott et al. 2016 (no license file in the dataset)",
            "recipe": "python applications/translator/train.py "
            + " ".join(
                f"--{k.replace('_', '-')} {v}"
                for k, v in vars(args).items()
                if k not in ("data", "out", "limit", "write_shards", "num_shards") and v not in (None, False)
            ),
            "train_seconds": round(train_seconds),
            "replicas": strategy.num_replicas_in_sync,
        },
    )
    from zoo.applications.translator_eval import evaluate

    report = evaluate(model, val_src, val_tgt)
    report["train_seconds"] = round(train_seconds)
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


def glob_shards(folder):
    try:
        return shards.shard_files(folder, "train")
    except FileNotFoundError:
        return []


if __name__ == "__main__":
    main()
