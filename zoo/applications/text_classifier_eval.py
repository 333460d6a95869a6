"""Evaluation of a `TextClassifier`, and the bag-of-words logistic
regression baseline it is compared with (NumPy/SciPy only)."""

import collections

import numpy as np

from zoo.applications import text_classifier_preprocessor as cp


def evaluate(model, texts, labels, batch_size=64):
    """Accuracy, per-label accuracy and the confusion matrix (rows: true
    labels, columns: predictions) of `model` on labelled texts."""
    truth = np.asarray(cp.label_ids("labels", labels, model.labels))
    predicted = np.argmax(model.predict_probabilities(texts, batch_size), axis=-1)
    confusion = np.zeros((len(model.labels), len(model.labels)), int)
    np.add.at(confusion, (truth, predicted), 1)
    return {
        "examples": len(texts),
        "accuracy": float(np.mean(truth == predicted)),
        "per_label_accuracy": {
            name: float(confusion[i, i] / max(confusion[i].sum(), 1)) for i, name in enumerate(model.labels)
        },
        "confusion": confusion.tolist(),
    }


def _ngrams(text, n_max):
    words = cp.tokenize(text, "word", True)
    return words + [
        " ".join(words[i : i + n]) for n in range(2, n_max + 1) for i in range(len(words) - n + 1)
    ]


def _features(texts, index, n_max):
    import scipy.sparse

    rows, cols = [], []
    for r, text in enumerate(texts):
        for c in {index[g] for g in _ngrams(text, n_max) if g in index}:
            rows.append(r)
            cols.append(c)
    x = scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(index)))
    return x


def _logistic_regression(x, y, l2):
    """Binary-feature multinomial logistic regression with an L2 penalty,
    fitted by L-BFGS; returns (weights, bias)."""
    import scipy.optimize

    n, d = x.shape
    k = int(y.max()) + 1
    onehot = np.eye(k)[y]

    def loss_and_grad(theta):
        w, b = theta[: d * k].reshape(d, k), theta[d * k :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.sum(onehot * np.log(p + 1e-12)) / n + 0.5 * l2 * np.sum(w * w)
        g = (p - onehot) / n
        return loss, np.concatenate([(x.T @ g + l2 * w).ravel(), g.sum(axis=0)])

    theta = scipy.optimize.minimize(
        loss_and_grad, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    ).x
    return theta[: d * k].reshape(d, k), theta[d * k :]


def bag_of_words_baseline(train, val, test, n_max=2, min_count=1, l2_grid=(1e-4, 3e-4, 1e-3, 3e-3)):
    """Logistic regression on binary word n-gram features (n <= `n_max`,
    the classifier's lowercased word tokens), its L2 penalty chosen on
    `val`. Each of `train`, `val`, `test` is (texts, labels) with label
    strings. Returns the chosen penalty and the accuracies."""
    names = sorted(set(train[1]))
    counts = collections.Counter(g for t in train[0] for g in set(_ngrams(t, n_max)))
    index = {g: i for i, g in enumerate(sorted(g for g, c in counts.items() if c >= min_count))}
    xs = [_features(texts, index, n_max) for texts, _ in (train, val, test)]
    ys = [np.asarray([names.index(label) for label in labels]) for _, labels in (train, val, test)]
    best = None
    for l2 in l2_grid:
        w, b = _logistic_regression(xs[0], ys[0], l2)
        accuracy = [float(np.mean(np.argmax(x @ w + b, axis=1) == y)) for x, y in zip(xs, ys)]
        if best is None or accuracy[1] > best["val_accuracy"]:
            best = {
                "features": f"binary word 1..{n_max}-grams seen >= {min_count} time(s) in train: {len(index)}",
                "l2": l2,
                "train_accuracy": accuracy[0],
                "val_accuracy": accuracy[1],
                "test_accuracy": accuracy[2],
            }
    return best
