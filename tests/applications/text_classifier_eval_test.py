import numpy as np

from tests.applications.text_classifier_test import LABELS, NEGATIVE, POSITIVE, sample, small_classifier
from zoo.applications import text_classifier_eval as ev


def test_evaluate_counts_the_model_predictions():
    texts, labels = sample()
    model = small_classifier(texts)  # untrained: any predictions, counted exactly
    report = ev.evaluate(model, texts, labels, batch_size=7)
    predicted = [r.label for r in model.classify(texts)]
    confusion = np.zeros((2, 2), int)
    for truth, guess in zip(labels, predicted):
        confusion[LABELS.index(truth), LABELS.index(guess)] += 1
    assert report["examples"] == len(texts) and report["confusion"] == confusion.tolist()
    assert report["accuracy"] == np.mean(np.array(predicted) == np.array(labels))
    for i, name in enumerate(LABELS):
        assert report["per_label_accuracy"][name] == confusion[i, i] / confusion[i].sum()


def test_logistic_regression_gradient_and_fit():
    import scipy.sparse

    rng = np.random.default_rng(0)
    x = scipy.sparse.csr_matrix((rng.random((40, 6)) < 0.4).astype(float))
    y = rng.integers(0, 3, 40)
    w, b = ev._logistic_regression(x, y, l2=1e-3)
    # At the optimum the gradient of the penalized loss vanishes.
    p = np.exp(x @ w + b)
    p /= p.sum(axis=1, keepdims=True)
    g = (p - np.eye(3)[y]) / 40
    np.testing.assert_allclose(x.T @ g + 1e-3 * w, 0, atol=1e-4)
    np.testing.assert_allclose(g.sum(axis=0), 0, atol=1e-4)


def test_bag_of_words_baseline_separates_the_sample():
    train = (POSITIVE[:15] + NEGATIVE[:15], ["positive"] * 15 + ["negative"] * 15)
    val = (POSITIVE[15:] + NEGATIVE[15:], ["positive"] * 5 + ["negative"] * 5)
    report = ev.bag_of_words_baseline(train, val, val, n_max=2)
    assert report["train_accuracy"] == 1.0
    assert report["val_accuracy"] >= 0.8 and report["test_accuracy"] == report["val_accuracy"]
    assert report["l2"] in (1e-4, 3e-4, 1e-3, 3e-3) and "1..2-grams" in report["features"]
    words = ["▁not", "▁bad", "▁at", "▁all"]  # the classifier's word tokens
    assert ev._ngrams("Not bad at all", 2) == words + ["▁not ▁bad", "▁bad ▁at", "▁at ▁all"]
