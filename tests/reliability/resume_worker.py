"""A small training recipe with BackupAndRestore, run (and killed) as a
subprocess by tests/reliability/training_test.py.

    python -m tests.reliability.resume_worker --out DIR [--stall-in-epoch K]

With --stall-in-epoch K the run prints STALLED in the middle of epoch K (after
the checkpoint of epoch K - 1) and waits there to be killed.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


class Stall:
    def __init__(self, epoch):
        import keras

        class _Stall(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                if self.epoch == epoch and batch == 2:
                    print("STALLED", flush=True)
                    time.sleep(600)

            def on_epoch_begin(self, e, logs=None):
                self.epoch = e

        self.callback = _Stall()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--stall-in-epoch", type=int, default=None)
    p.add_argument("--dropout", type=float, default=0.2)
    args = p.parse_args()
    import keras
    import numpy as np

    from tests.applications.conftest import toy_pairs
    from zoo import callbacks as zoo_callbacks
    from zoo.applications import Translator

    keras.utils.set_random_seed(7)
    sources, targets = toy_pairs(64)
    sv, tv = Translator.build_vocabularies(sources, targets, min_count=1)
    model = Translator(
        sv, tv, embedding_dim=8, encoder_units=8, decoder_units=8, attention_units=8, dropout=args.dropout
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    callbacks = [zoo_callbacks.BackupAndRestore(os.path.join(args.out, "backup"))]
    if args.stall_in_epoch is not None:
        callbacks.append(Stall(args.stall_in_epoch).callback)
    dataset = model.prepare(sources, targets, batch_size=8, seed=1)
    history = model.fit(dataset, epochs=args.epochs, callbacks=callbacks, verbose=0)
    np.savez(os.path.join(args.out, "final.npz"), *model.get_weights())
    print("epochs run", len(history.history["loss"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
