import keras

from zoo.applications.translator_eval import bleu, evaluate


def test_bleu_is_sacrebleu_default():
    assert abs(bleu(["Ein Mann fährt Rad."], ["Ein Mann fährt Rad."]).score - 100.0) < 1e-6
    assert bleu(["Ein Hund."], ["Ein Mann fährt Rad."]).score < 20


def test_evaluate(toy_translator):
    model, sources, targets = toy_translator
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    model.fit((sources, targets), epochs=30, verbose=0)
    report = evaluate(model, sources[:8], targets[:8], beam_size=2)
    assert report["greedy"]["bleu"] > 90 and report["beam"]["bleu"] > 90
    assert sum(b["sentences"] for b in report["by_source_length"]) == 8
    assert report["examples"][0]["source"] == sources[0]
