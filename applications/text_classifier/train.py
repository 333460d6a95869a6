"""Train the text classifier preset on the sentence polarity data and report
test accuracy.

    python applications/text_classifier/train.py --data ../shared/data/nltk/sentence_polarity \
        --out runs/text_classifier

Trains on the train split (80%, seed 0; `zoo.data.sentence_polarity`), keeps
the weights of the best validation accuracy, and writes to --out: the preset
folder, log.csv, and eval.json (validation and test accuracy, and with
--baseline the bag-of-words logistic regression on the same split).
`--distribute mirrored|multiworker|data_parallel` as in
applications/translator/train.py (the chief writes the results); training
resumes from --out/backup after an interruption.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from zoo import callbacks as zoo_callbacks  # noqa: E402
from zoo import distribute  # noqa: E402
from zoo.applications import TextClassifier  # noqa: E402
from zoo.applications.text_classifier_eval import bag_of_words_baseline, evaluate  # noqa: E402
from zoo.applications.text_classifier_preprocessor import ppmi_svd_embeddings  # noqa: E402
from zoo.data import sentence_polarity  # noqa: E402
from zoo.data.labelled import movie_reviews  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data", "nltk", "sentence_polarity")
    )
    p.add_argument("--out", default="runs/text_classifier")
    p.add_argument("--cell", default="GRU")
    p.add_argument("--level", default="word", choices=["word", "char"])
    p.add_argument("--pooling", default="max", choices=["max", "mean", "last"])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--embedding-dim", type=int, default=128)
    p.add_argument("--units", type=int, default=128)
    p.add_argument("--num-layers", type=int, default=1)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=None, help="use the first N texts of each split (smoke runs)")
    p.add_argument(
        "--pretrain",
        metavar="ZIP",
        help="NLTK movie_reviews.zip: unlabelled in-domain text for PPMI-SVD word embeddings, "
        "whose words (seen >= --pretrain-min-count times) extend the vocabulary",
    )
    p.add_argument("--pretrain-min-count", type=int, default=3)
    p.add_argument("--baseline", action="store_true", help="also fit the bag-of-words baseline")
    p.add_argument("--float16", action="store_true", help="store the preset weights in float16")
    p.add_argument("--distribute", default="none", choices=distribute.STRATEGIES)
    args = p.parse_args()
    strategy = distribute.get_strategy(args.distribute)  # first: collectives start before other ops
    keras.utils.set_random_seed(args.seed)

    train, val, test = (sentence_polarity(args.data, split) for split in ("train", "val", "test"))
    train, val, test = ((texts[: args.limit], labels[: args.limit]) for texts, labels in (train, val, test))
    vocabulary = TextClassifier.build_vocabulary(train[0], level=args.level, min_count=args.min_count)
    if args.pretrain:
        reviews, _ = movie_reviews(args.pretrain)
        unlabelled = [line for review in reviews for line in review.splitlines() if line.strip()]
        known = set(vocabulary)
        extra = TextClassifier.build_vocabulary(
            unlabelled + train[0], level=args.level, min_count=args.pretrain_min_count
        )
        vocabulary += [token for token in extra if token not in known]
        print(f"pretraining embeddings on {len(unlabelled)} unlabelled sentences", flush=True)
        embeddings = ppmi_svd_embeddings(unlabelled + train[0], vocabulary, args.embedding_dim, args.level)
    print(f"{len(train[0])} train, {len(val[0])} val, {len(test[0])} test texts; {len(vocabulary)} tokens")
    with strategy.scope():
        model = TextClassifier(
            vocabulary,
            ["negative", "positive"],
            cell=args.cell,
            embedding_dim=args.embedding_dim,
            units=args.units,
            num_layers=args.num_layers,
            dropout=args.dropout,
            pooling=args.pooling,
            level=args.level,
        )
        if args.pretrain:
            model.set_token_embeddings(embeddings)
        model.compile(optimizer=keras.optimizers.Adam(args.lr, clipnorm=1.0))
    out = distribute.worker_folder(args.out)
    os.makedirs(out, exist_ok=True)
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="val_accuracy", mode="max", patience=args.patience, restore_best_weights=True
        ),
        keras.callbacks.CSVLogger(os.path.join(out, "log.csv")),
        zoo_callbacks.BackupAndRestore(os.path.join(out, "backup")),
        zoo_callbacks.StopOnNonFinite(),
    ]
    start = time.time()
    model.fit(
        model.prepare(*train, batch_size=args.batch_size, seed=args.seed),
        validation_data=model.prepare(*val, batch_size=64, shuffle=False),
        epochs=args.epochs,
        callbacks=callbacks,
        verbose=2,
    )
    train_seconds = time.time() - start
    if not distribute.is_chief():
        return
    report = {
        "val": evaluate(model, *val),
        "test": evaluate(model, *test),
        "train_seconds": round(train_seconds),
        "parameters": model.count_params(),
    }
    if args.baseline:
        report["bag_of_words_baseline"] = bag_of_words_baseline(train, val, test)
    recipe = " ".join(
        f"--{k.replace('_', '-')} {v}"
        for k, v in vars(args).items()
        if k not in ("data", "out", "limit", "baseline", "float16", "pretrain", "distribute")
        and v not in (None, False)
    )
    model.save_to_preset(
        os.path.join(args.out, "preset"),
        metadata={
            "data": "sentence polarity dataset v1.0 (Pang and Lee 2005), NLTK copy: 9,588 movie-review "
            "snippets; zoo.data.sentence_polarity train split (80%, seed 0)"
            + (
                "; word embeddings initialized by PPMI-SVD on the unlabelled text of the movie review "
                "polarity dataset v2.0 (Pang and Lee 2004, NLTK movie_reviews, CC BY 4.0) and the train split"
                if args.pretrain
                else ""
            ),
            "data_license": "CC BY 4.0 (Bo Pang and Lillian Lee)",
            "recipe": f"python applications/text_classifier/train.py {recipe}"
            + (" --pretrain ../shared/data/nltk/movie_reviews.zip" if args.pretrain else ""),
            "train_seconds": round(train_seconds),
            "val_accuracy": report["val"]["accuracy"],
            "test_accuracy": report["test"]["accuracy"],
        },
        weights_dtype="float16" if args.float16 else "float32",
    )
    with open(os.path.join(args.out, "eval.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps({k: v for k, v in report.items() if k not in ("val",)}, indent=2))


if __name__ == "__main__":
    main()
